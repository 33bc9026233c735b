import { type CoapMessage, type CoapOptionValue } from '../message/coap-message';
import { type Peer } from '../transport/peer';

/** One received request and the way to answer it (piggybacked on the ACK of a CON, RFC 7252 §5.2.1). */
export interface CoapExchange {
  /** The request; with Block1 (RFC 7959 §2.5) its payload is the whole reassembled body. */
  readonly request: CoapMessage;
  readonly peer: Peer;
  readonly receivedAt: number;
  /** Datagram size of the (last) request: the amplification budget of the answer is 3x (RFC 7252 §11.3). */
  readonly size: number;
  /** Answers once; later calls are ignored. A payload larger than a block goes out in Block2 blocks. */
  respond(code: number, options?: readonly CoapOptionValue[], payload?: Buffer): void;
}

export type RequestHandler = (exchange: CoapExchange) => void;

/** A notification for an observation this endpoint holds, and whether it is fresher than the last (RFC 7641 §3.4). */
export interface Notification {
  readonly message: CoapMessage;
  readonly peer: Peer;
  /** With Block2, the reassembled representation. */
  readonly payload: Buffer;
  readonly fresh: boolean;
}

/**
 * Receives a notification; resolves true once it is stored. A CON notification is acknowledged only then
 * (false: not acknowledged, the device retransmits it). 'reject': the notification can never be processed; it is
 * answered with a Reset, which also ends the observation (RFC 7641 §3.6).
 */
export type NotificationListener = (notification: Notification) => Promise<boolean | 'reject'>;

export interface OutgoingRequest {
  readonly code: number;
  readonly options?: readonly CoapOptionValue[];
  readonly payload?: Buffer;
  /** NON instead of CON (RFC 7252 §4.3); default CON. */
  readonly confirmable?: boolean;
  /** Keep listening on the token after the first response (Observe, RFC 7641 §3.3). */
  readonly onNotification?: NotificationListener;
  /** Give up waiting for the (separate) response after this long; default EXCHANGE_LIFETIME. */
  readonly timeoutMs?: number;
  /** Reuse a token (the GET with Observe=1 that cancels an observation, RFC 7641 §3.6); default random. */
  readonly token?: Buffer;
}

export interface CoapResponse {
  readonly message: CoapMessage;
  /** With Block2, the whole reassembled body; else the message payload. */
  readonly payload: Buffer;
  /** The token of the exchange: with Observe, the observation's (to cancel it with `forget`). */
  readonly token: Buffer;
}

export type CoapRequestErrorReason = 'timeout' | 'reset' | 'closed' | 'block';

export class CoapRequestError extends Error {
  override readonly name = 'CoapRequestError';
  constructor(
    readonly reason: CoapRequestErrorReason,
    message: string,
  ) {
    super(message);
  }
}

/** What became of a notification we sent: acknowledged, rejected (the observer is gone), lost, or sent as NON. */
export type NotifyOutcome = 'acked' | 'reset' | 'timeout' | 'sent';

/** Counters the owner of an endpoint may export as metrics. */
export interface CoapEndpointHooks {
  malformed?(code: string): void;
  duplicate?(): void;
  response?(code: number): void;
  amplificationLimited?(): void;
  /** A Block-wise transfer refused or abandoned (4.08, 4.13, limits, timeouts). */
  blockRefused?(reason: string): void;
}

/** The part of a structured logger the stack uses (pino's signature). */
export interface CoapLogger {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export const SILENT_COAP_LOGGER: CoapLogger = { warn: () => undefined, error: () => undefined };
