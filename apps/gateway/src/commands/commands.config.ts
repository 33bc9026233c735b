import { type EnvSource, loadConfig, positiveInt } from '@smartcity/platform-config';
import { TOPICS } from '@smartcity/platform-contracts';
import { z } from 'zod';

/** Device commands (issue 9): topics, limits and timings. Defaults work with deploy/local. */
export const commandsConfigSchema = z.object({
  COMMANDS_DOWNLINK_TOPIC: z.string().min(1).default(TOPICS.downlink),
  COMMANDS_RESULT_TOPIC: z.string().min(1).default(TOPICS.downlinkResult),
  /** One group for all gateway replicas: each outcome is stored once; live updates fan out through Redis. */
  COMMANDS_RESULT_GROUP_ID: z.string().min(1).default('gateway-command-results'),
  /** Deadline of a command when the caller gives none (s): a queue-mode device may sleep that long. */
  COMMANDS_DEFAULT_DEADLINE_S: positiveInt(3600),
  COMMANDS_MAX_DEADLINE_S: positiveInt(7 * 24 * 3600),
  /** Devices one bulk command may target. */
  COMMANDS_MAX_BULK: positiveInt(1000),
  /**
   * A command still open this long after its deadline was lost in transit (an ingest crashed while it ran): it is
   * closed as EXPIRED (never sent) or TIMEOUT (sent). Exceeds the ingest's response timeout (93 s).
   */
  COMMANDS_REAP_GRACE_S: positiveInt(300),
  COMMANDS_REAP_INTERVAL_MS: positiveInt(30_000),
  /** Publish command outcomes on the partner topic `city.<tenant>.events.v1` (`true`/`false`). */
  COMMANDS_PARTNER_EVENTS: z.enum(['true', 'false']).default('true'),
});

export type CommandsConfig = z.infer<typeof commandsConfigSchema>;

/** The one place this module reads the environment. */
export function loadCommandsConfig(env: EnvSource = process.env): CommandsConfig {
  return loadConfig(commandsConfigSchema, env);
}
