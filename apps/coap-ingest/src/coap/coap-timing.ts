/**
 * RFC 7252 §4.8 transmission parameters and the derived times of §4.8.2.
 * EXCHANGE_LIFETIME = MAX_TRANSMIT_SPAN + 2*MAX_LATENCY + PROCESSING_DELAY = 45 + 200 + 2 = 247 s.
 */
export const ACK_TIMEOUT_MS = 2000;
export const ACK_RANDOM_FACTOR = 1.5;
export const MAX_RETRANSMIT = 4;
export const MAX_TRANSMIT_SPAN_MS = ACK_TIMEOUT_MS * (2 ** MAX_RETRANSMIT - 1) * ACK_RANDOM_FACTOR; // 45 s
export const EXCHANGE_LIFETIME_MS = 247_000;
/** NON_LIFETIME = MAX_TRANSMIT_SPAN + MAX_LATENCY = 145 s (§4.8.2). */
export const NON_LIFETIME_MS = 145_000;
