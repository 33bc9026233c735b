import { type RandomSource } from '../time/clock';

/**
 * Transmission parameters of RFC 7252 §4.8 and the derived times of §4.8.2. A CON is retransmitted after a
 * random initial timeout in [ACK_TIMEOUT, ACK_TIMEOUT * ACK_RANDOM_FACTOR], doubling each time, at most
 * MAX_RETRANSMIT times (§4.2).
 */
export interface CoapTiming {
  readonly ackTimeoutMs: number;
  readonly ackRandomFactor: number;
  readonly maxRetransmit: number;
  /** MAX_LATENCY (§4.8.2): 100 s. */
  readonly maxLatencyMs: number;
  /** PROCESSING_DELAY (§4.8.2): ACK_TIMEOUT. */
  readonly processingDelayMs: number;
}

export const DEFAULT_COAP_TIMING: CoapTiming = {
  ackTimeoutMs: 2000,
  ackRandomFactor: 1.5,
  maxRetransmit: 4,
  maxLatencyMs: 100_000,
  processingDelayMs: 2000,
};

/** MAX_TRANSMIT_SPAN = ACK_TIMEOUT * (2 ** MAX_RETRANSMIT - 1) * ACK_RANDOM_FACTOR: 45 s by default. */
export function maxTransmitSpanMs(t: CoapTiming): number {
  return t.ackTimeoutMs * (2 ** t.maxRetransmit - 1) * t.ackRandomFactor;
}

/**
 * MAX_TRANSMIT_WAIT = ACK_TIMEOUT * (2 ** (MAX_RETRANSMIT + 1) - 1) * ACK_RANDOM_FACTOR: 93 s by default.
 * LwM2M queue mode keeps a client reachable this long after its last message (Transport 1.1.1 §6.5).
 */
export function maxTransmitWaitMs(t: CoapTiming): number {
  return t.ackTimeoutMs * (2 ** (t.maxRetransmit + 1) - 1) * t.ackRandomFactor;
}

/** EXCHANGE_LIFETIME = MAX_TRANSMIT_SPAN + 2 * MAX_LATENCY + PROCESSING_DELAY: 247 s by default. */
export function exchangeLifetimeMs(t: CoapTiming): number {
  return maxTransmitSpanMs(t) + 2 * t.maxLatencyMs + t.processingDelayMs;
}

/** NON_LIFETIME = MAX_TRANSMIT_SPAN + MAX_LATENCY: 145 s by default. */
export function nonLifetimeMs(t: CoapTiming): number {
  return maxTransmitSpanMs(t) + t.maxLatencyMs;
}

/** The first retransmission timeout, random in [ACK_TIMEOUT, ACK_TIMEOUT * ACK_RANDOM_FACTOR] (§4.2). */
export function initialTimeoutMs(t: CoapTiming, random: RandomSource): number {
  return t.ackTimeoutMs * (1 + random() * (t.ackRandomFactor - 1));
}
