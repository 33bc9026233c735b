import { jsonContract } from './codec';
import { TOPICS } from './topics';
import { uplinkMessage } from './uplink.contract';

export * from './codec';
export * from './topics';
export * from './uplink.contract';

/** Contract of `lwm2m.uplink.v1`. */
export const uplinkContract = jsonContract(TOPICS.uplink, uplinkMessage);
