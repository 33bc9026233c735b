import { type Peer } from '@smartcity/coap';
import { encodeHandshakeFragment, parseHandshakeFragments } from '../handshake/handshake-fragment';
import { type ClientHello, encodeClientHello, parseHelloVerifyRequest } from '../handshake/messages/hello';
import { ContentType, DTLS_1_2, HandshakeType } from '../protocol/constants';
import { type DtlsRecord, encodeRecord, parseDatagram } from '../record/record';
import { type MemoryEndpoint, type MemoryNetwork } from './memory-network';

/** A hand-driven peer on a MemoryNetwork: sends crafted datagrams and keeps what it receives. */
export class RawPeer {
  readonly received: Buffer[] = [];
  private seq = 0;

  constructor(
    readonly endpoint: MemoryEndpoint,
    private readonly target: Peer,
  ) {}

  static async create(net: MemoryNetwork, address: string, port: number, target: Peer): Promise<RawPeer> {
    const raw = new RawPeer(net.endpoint(address, port), target);
    await raw.endpoint.start((d) => raw.received.push(Buffer.from(d)));
    return raw;
  }

  send(datagram: Buffer): void {
    this.endpoint.send(datagram, this.target);
  }

  /** Sends one plaintext handshake message in one epoch-0 record. */
  sendHandshake(msgType: number, body: Buffer, messageSeq: number): void {
    const fragment = encodeHandshakeFragment({
      msgType,
      length: body.length,
      messageSeq,
      offset: 0,
      data: body,
    });
    this.send(
      encodeRecord({
        type: ContentType.handshake,
        version: DTLS_1_2,
        epoch: 0,
        sequence: this.seq++,
        fragment,
      }),
    );
  }

  sendClientHello(hello: ClientHello, messageSeq: number): void {
    this.sendHandshake(HandshakeType.clientHello, encodeClientHello(hello), messageSeq);
  }

  /** All records received so far (plaintext parsing; protected ones stay opaque). */
  records(): DtlsRecord[] {
    return this.received.flatMap((d) => parseDatagram(d, 0).records);
  }

  /** The cookie of the last HelloVerifyRequest received. */
  lastCookie(): Buffer | undefined {
    for (const r of this.records().reverse()) {
      if (r.type !== ContentType.handshake || r.epoch !== 0) continue;
      const f = parseHandshakeFragments(r.fragment)[0];
      if (f?.msgType === HandshakeType.helloVerifyRequest) return parseHelloVerifyRequest(f.data).cookie;
    }
    return undefined;
  }

  /** [level, description] of every plaintext alert received. */
  alerts(): Array<[number, number]> {
    return this.records()
      .filter((r) => r.type === ContentType.alert && r.epoch === 0 && r.fragment.length === 2)
      .map((r) => [r.fragment[0]!, r.fragment[1]!]);
  }
}

export function clientHello(over: Partial<ClientHello> = {}): ClientHello {
  return {
    clientVersion: DTLS_1_2,
    random: Buffer.alloc(32, 0x5a),
    sessionId: Buffer.alloc(0),
    cookie: Buffer.alloc(0),
    cipherSuites: [0xc0a8],
    compressionMethods: [0],
    extensions: [{ type: 23, data: Buffer.alloc(0) }],
    ...over,
  };
}
