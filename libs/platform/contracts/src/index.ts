import { jsonContract } from './codec';
import { downlinkRequest, downlinkResult } from './downlink.contract';
import { TOPICS } from './topics';
import { uplinkMessage } from './uplink.contract';

export * from './city-topics.contract';
export * from './codec';
export * from './downlink.contract';
export * from './live.contract';
export * from './partner-schemas';
export * from './topics';
export * from './uplink.contract';
export * from './water-areas.contract';

/** Contract of `lwm2m.uplink.v1`. */
export const uplinkContract = jsonContract(TOPICS.uplink, uplinkMessage);

/** Contract of `lwm2m.downlink.v1`. */
export const downlinkContract = jsonContract(TOPICS.downlink, downlinkRequest);

/** Contract of `lwm2m.downlink-result.v1`. */
export const downlinkResultContract = jsonContract(TOPICS.downlinkResult, downlinkResult);
