import { list, LOCAL_STACK, loadConfig, positiveInt, type EnvSource } from '@smartcity/platform-config';
import { TOPICS } from '@smartcity/platform-contracts';
import { z } from 'zod';

/** Configuration of the ingest's downlink routing (commands from `lwm2m.downlink.v1`); defaults fit deploy/local. */
export const downlinkConfigSchema = z.object({
  KAFKA_BROKERS: list(LOCAL_STACK.kafkaBrokers),
  DOWNLINK_TOPIC: z.string().default(TOPICS.downlink),
  DOWNLINK_RESULT_TOPIC: z.string().default(TOPICS.downlinkResult),
  /** Consumer group shared by every ingest instance: each request is routed once. */
  DOWNLINK_GROUP_ID: z.string().default('coap-ingest-downlink'),
  /**
   * Bound on one exchange with an awake device (ms), after which the command is TIMEOUT. Default
   * MAX_TRANSMIT_WAIT (RFC 7252 §4.8.2, 93 s): a CON without ACK gives up in that time anyway.
   */
  DOWNLINK_RESPONSE_TIMEOUT_MS: positiveInt(93_000),
  /** How often each instance expires queued commands past their deadline and re-checks its owned queues (ms). */
  DOWNLINK_SWEEP_INTERVAL_MS: positiveInt(1000),
  /** Endpoints served concurrently by one instance (commands of one endpoint always run one at a time). */
  DOWNLINK_MAX_CONCURRENT_ENDPOINTS: positiveInt(2000),
});

export type DownlinkConfig = z.infer<typeof downlinkConfigSchema>;

export function loadDownlinkConfig(env: EnvSource = process.env): DownlinkConfig {
  return loadConfig(downlinkConfigSchema, env);
}
