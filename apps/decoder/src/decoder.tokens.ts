/** Nest injection tokens of the decoder's infrastructure providers. */
export const DECODER_CONFIG = Symbol('DECODER_CONFIG');
export const LOGGER = Symbol('LOGGER');
export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');
export const APP_POOL = Symbol('APP_POOL');
export const KAFKA_CLIENT = Symbol('KAFKA_CLIENT');
export const REDIS = Symbol('REDIS');
export const UPLINK_PROCESSOR = Symbol('UPLINK_PROCESSOR');
