/**
 * Transmission parameters of RFC 7252 §4.8 and the derived times of §4.8.2.
 * A CON message is retransmitted after a random initial timeout in [ACK_TIMEOUT, ACK_TIMEOUT * ACK_RANDOM_FACTOR],
 * the timeout doubling each time, at most MAX_RETRANSMIT times (§4.2).
 */
export interface CoapTiming {
  readonly ackTimeoutMs: number;
  readonly ackRandomFactor: number;
  readonly maxRetransmit: number;
  /** How long a separate (non-piggybacked) response is awaited after the empty ACK. */
  readonly exchangeLifetimeMs: number;
}

export const DEFAULT_COAP_TIMING: CoapTiming = {
  ackTimeoutMs: 2000,
  ackRandomFactor: 1.5,
  maxRetransmit: 4,
  // EXCHANGE_LIFETIME = MAX_TRANSMIT_SPAN + 2 * MAX_LATENCY + PROCESSING_DELAY = 45 + 200 + 2 = 247 s (§4.8.2).
  exchangeLifetimeMs: 247_000,
};

/** MAX_TRANSMIT_SPAN = ACK_TIMEOUT * (2 ** MAX_RETRANSMIT - 1) * ACK_RANDOM_FACTOR (§4.8.2): 45 s by default. */
export function maxTransmitSpanMs(t: CoapTiming): number {
  return t.ackTimeoutMs * (2 ** t.maxRetransmit - 1) * t.ackRandomFactor;
}

/**
 * MAX_TRANSMIT_WAIT = ACK_TIMEOUT * (2 ** (MAX_RETRANSMIT + 1) - 1) * ACK_RANDOM_FACTOR (§4.8.2): 93 s by default.
 * LwM2M queue mode keeps the client reachable this long after its last message (Core 1.1.1 §6.5... "Queue Mode").
 */
export function maxTransmitWaitMs(t: CoapTiming): number {
  return t.ackTimeoutMs * (2 ** (t.maxRetransmit + 1) - 1) * t.ackRandomFactor;
}

/** The first retransmission timeout, random in [ACK_TIMEOUT, ACK_TIMEOUT * ACK_RANDOM_FACTOR] (§4.2). */
export function initialTimeoutMs(t: CoapTiming, random: () => number): number {
  return t.ackTimeoutMs * (1 + random() * (t.ackRandomFactor - 1));
}
