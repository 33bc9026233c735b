import {
  CoapCode,
  CoapEndpoint,
  CoapOption,
  type CoapResponse,
  type Peer,
  stringOptions,
  uintOption,
  udpPeer,
} from '@smartcity/coap';
import { RecordingTransport } from './recording-transport';

/** One observation our endpoint holds, with what it received. */
export interface HeldObservation {
  readonly token: Buffer;
  readonly first: CoapResponse;
  /** Payloads of the notifications after the first response, fresh ones only (RFC 7641 §3.4). */
  readonly notifications: Buffer[];
}

/**
 * Our `CoapEndpoint` in the client role (RFC 7641 §3): observes resources of a server, ours or a peer's, and
 * cancels by forgetting the token, after which the next notification is answered with a Reset (§3.6).
 */
export class ObserverEndpoint {
  readonly transport = new RecordingTransport();
  readonly endpoint = new CoapEndpoint({ transport: this.transport });

  async start(): Promise<number> {
    await this.endpoint.start();
    return this.endpoint.localAddress().port;
  }

  async observe(port: number, path: readonly string[]): Promise<HeldObservation> {
    const notifications: Buffer[] = [];
    const first = await this.endpoint.request(udpPeer('127.0.0.1', port), {
      code: CoapCode.GET,
      options: [uintOption(CoapOption.Observe, 0), ...stringOptions(CoapOption.UriPath, [...path])],
      onNotification: (n) => {
        if (n.fresh) notifications.push(n.payload);
        return Promise.resolve(true);
      },
      timeoutMs: 30_000,
    });
    return { token: first.token, first, notifications };
  }

  forget(port: number, observation: HeldObservation): void {
    this.endpoint.forget(udpPeer('127.0.0.1', port), observation.token);
  }

  request(peer: Peer, code: number, path: readonly string[], payload?: Buffer): Promise<CoapResponse> {
    return this.endpoint.request(peer, {
      code,
      options: stringOptions(CoapOption.UriPath, [...path]),
      ...(payload ? { payload } : {}),
      timeoutMs: 30_000,
    });
  }

  close(): Promise<void> {
    return this.endpoint.close();
  }
}
