import { loadConfig, logLevel, port, type EnvSource } from '@smartcity/platform-config';
import { z } from 'zod';

/**
 * Environment of the simulator process (the fleet itself is described by command-line options, see cli-args.ts).
 * Defaults work with the local stack.
 */
export const simulatorEnvSchema = z.object({
  /** Address of the ops server (/healthz, /readyz, /metrics). */
  SIMULATOR_OPS_HOST: z.string().default('127.0.0.1'),
  /** 0 picks a free port (several simulators side by side); the chosen port is logged. */
  SIMULATOR_OPS_PORT: port(0),
  LOG_LEVEL: logLevel(),
});

export type SimulatorEnv = z.infer<typeof simulatorEnvSchema>;

export function loadSimulatorEnv(env: EnvSource = process.env): SimulatorEnv {
  return loadConfig(simulatorEnvSchema, env);
}
