import { type Peer } from '@smartcity/coap';
import { type CloseReason } from '../connection/types';
import { type CipherSuiteName } from '../handshake/cipher-suites';

export interface SessionEstablishedEvent {
  readonly peer: Peer;
  readonly suite: CipherSuiteName;
  /** An abbreviated handshake resumed an earlier session (same peer key). */
  readonly resumed: boolean;
  /** The connection id records from this peer carry (server: the one we issued), when negotiated. */
  readonly connectionId?: Buffer;
}

export interface SessionClosedEvent {
  readonly peer: Peer;
  readonly reason: CloseReason;
  /** The alert that ended it, when one did. */
  readonly alert?: string;
}

export interface HandshakeFailedEvent {
  readonly address: string;
  readonly port: number;
  readonly reason: CloseReason;
  readonly alert?: string;
}

export interface DtlsTransportEvents {
  sessionEstablished: SessionEstablishedEvent;
  sessionClosed: SessionClosedEvent;
  handshakeFailed: HandshakeFailedEvent;
}

/** A minimal typed event emitter; listener errors are isolated so one bad listener cannot break the transport. */
export class TransportEvents {
  private readonly listeners: {
    [K in keyof DtlsTransportEvents]: Array<(e: DtlsTransportEvents[K]) => void>;
  } = {
    sessionEstablished: [],
    sessionClosed: [],
    handshakeFailed: [],
  };

  on<K extends keyof DtlsTransportEvents>(
    event: K,
    listener: (e: DtlsTransportEvents[K]) => void,
  ): () => void {
    this.listeners[event].push(listener);
    return () => {
      const list = this.listeners[event];
      const i = list.indexOf(listener);
      if (i >= 0) list.splice(i, 1);
    };
  }

  emit<K extends keyof DtlsTransportEvents>(event: K, e: DtlsTransportEvents[K]): void {
    for (const l of [...this.listeners[event]]) {
      try {
        l(e);
      } catch {
        // A listener's failure is its own; the protocol continues.
      }
    }
  }
}
