/**
 * Every bound the DTLS transports enforce, in one place. Defaults are sized for an LwM2M server on one core:
 * tens of thousands of devices, handshakes arriving in bursts after an outage.
 */
export interface DtlsLimits {
  /** A datagram longer than this is dropped unread (the largest DTLS 1.2 record is 13 + 2^14 + 2048 bytes). */
  readonly maxDatagramBytes: number;
  /** Handshakes in progress on the server, all addresses together (counted after a valid cookie only). */
  readonly maxHandshakes: number;
  /** Handshakes in progress from one IP address (any port). */
  readonly maxHandshakesPerAddress: number;
  /** Token bucket per IP address for new handshakes: sustained rate... */
  readonly handshakesPerSecondPerAddress: number;
  /** ...and burst. */
  readonly handshakeBurstPerAddress: number;
  /** IP addresses whose token buckets are tracked; the oldest is forgotten beyond this. */
  readonly maxTrackedAddresses: number;
  /** Established sessions on the server; new handshakes are refused beyond this. */
  readonly maxSessions: number;
  /** A session without authenticated traffic for this long is closed. */
  readonly sessionIdleMs: number;
  /** A handshake not complete after this long is abandoned (covers slow credential callbacks too). */
  readonly handshakeTimeoutMs: number;
  /** Largest handshake message accepted (certificate chains are the big ones). */
  readonly maxHandshakeMessageBytes: number;
  /** Bytes buffered for partially received handshake messages, per handshake (RFC 6347 §4.2.3). */
  readonly maxReassemblyBytes: number;
  /** Messages beyond the next expected message_seq that may be buffered (RFC 6347 §4.2.2). */
  readonly maxMessagesAhead: number;
  /** RFC 6347 §4.2.4.1 timers: initial, cap and number of retransmissions of a flight. */
  readonly initialRetransmitMs: number;
  readonly maxRetransmitMs: number;
  readonly maxRetransmissions: number;
  /** RFC 4279 §5.3: identities up to 128 bytes MUST be supported; longer ones are refused. */
  readonly maxPskIdentityBytes: number;
  readonly maxCertificateChainLength: number;
  /** Cookie secret rotation period (a cookie stays valid one to two periods). */
  readonly cookieRotationMs: number;
  /** How long the final flight is kept to answer retransmissions (RFC 6347 §4.2.4, "2 times MSL" in spirit). */
  readonly finalFlightRetentionMs: number;
  /** Records of a not-yet-keyed epoch kept per handshake (reordering across ChangeCipherSpec). */
  readonly maxDeferredRecords: number;
  /** Housekeeping period: idle sessions, stale handshakes, token buckets. */
  readonly sweepIntervalMs: number;
  /** Client only: application datagrams queued per server while its handshake runs, and their total bytes. */
  readonly maxQueuedDatagrams: number;
  readonly maxQueuedBytes: number;
}

export const DEFAULT_LIMITS: DtlsLimits = {
  maxDatagramBytes: 16_384,
  maxHandshakes: 1_000,
  maxHandshakesPerAddress: 8,
  handshakesPerSecondPerAddress: 10,
  handshakeBurstPerAddress: 20,
  maxTrackedAddresses: 10_000,
  maxSessions: 100_000,
  sessionIdleMs: 24 * 3_600_000,
  handshakeTimeoutMs: 90_000,
  maxHandshakeMessageBytes: 16_384,
  maxReassemblyBytes: 32_768,
  maxMessagesAhead: 8,
  initialRetransmitMs: 1_000,
  maxRetransmitMs: 60_000,
  maxRetransmissions: 5,
  maxPskIdentityBytes: 128,
  maxCertificateChainLength: 5,
  cookieRotationMs: 60_000,
  finalFlightRetentionMs: 60_000,
  maxDeferredRecords: 8,
  sweepIntervalMs: 5_000,
  maxQueuedDatagrams: 32,
  maxQueuedBytes: 65_536,
};

export function resolveLimits(overrides: Partial<DtlsLimits> | undefined): DtlsLimits {
  const limits = { ...DEFAULT_LIMITS, ...overrides };
  for (const [name, value] of Object.entries(limits)) {
    if (typeof value !== 'number' || !(value >= 0))
      throw new TypeError(`DTLS limit ${name} must be a number >= 0`);
  }
  return limits;
}
