import { type Clock } from '@smartcity/coap';
import { type DropReason } from '../connection/types';
import { CookieAuthority } from '../handshake/cookie';
import { encodeHandshakeFragment, parseHandshakeFragments } from '../handshake/handshake-fragment';
import { type ClientHello, encodeHelloVerifyRequest, parseClientHello } from '../handshake/messages/hello';
import { ContentType, DTLS_1_0, HandshakeType, RECORD_HEADER_BYTES } from '../protocol/constants';
import { type DtlsRecord, encodeRecord } from '../record/record';

export type HelloVerdict =
  | { readonly kind: 'drop'; readonly reason: DropReason }
  /** Send this HelloVerifyRequest back; keep nothing. */
  | { readonly kind: 'verify'; readonly datagram: Buffer }
  /** The ClientHello returned our cookie: its address is verified. */
  | { readonly kind: 'admit'; readonly hello: ClientHello; readonly messageSeq: number };

/**
 * The stateless front door of the server (RFC 6347 §4.2.1): a ClientHello without our cookie (or with a wrong or
 * stale one) is answered with a HelloVerifyRequest computed from the ClientHello alone, and nothing is kept. The
 * answer is never larger than the ClientHello record (no amplification towards a spoofed address).
 */
export class HelloGate {
  private readonly cookies: CookieAuthority;

  constructor(clock: Clock, randomBytes: (n: number) => Buffer, cookieRotationMs: number) {
    this.cookies = new CookieAuthority(clock, randomBytes, cookieRotationMs);
  }

  inspect(record: DtlsRecord, address: string, port: number): HelloVerdict {
    let hello: ClientHello;
    let messageSeq: number;
    try {
      const fragments = parseHandshakeFragments(record.fragment);
      const f = fragments[0];
      // A stateless server cannot reassemble: the ClientHello must come whole, alone in its record.
      if (fragments.length !== 1 || !f || f.offset !== 0 || f.data.length !== f.length) {
        return { kind: 'drop', reason: 'malformed' };
      }
      hello = parseClientHello(f.data);
      messageSeq = f.messageSeq;
    } catch {
      return { kind: 'drop', reason: 'malformed' };
    }
    if (record.version >> 8 !== 0xfe) return { kind: 'drop', reason: 'bad_version' };
    if (this.cookies.verify(address, port, hello)) return { kind: 'admit', hello, messageSeq };
    // RFC 6347 §4.2.1 (errata 4103): server_version DTLS 1.0; message_seq and record sequence number are the
    // ClientHello's, so the HelloVerifyRequest needs no state.
    const body = encodeHelloVerifyRequest({
      serverVersion: DTLS_1_0,
      cookie: this.cookies.create(address, port, hello),
    });
    const fragment = encodeHandshakeFragment({
      msgType: HandshakeType.helloVerifyRequest,
      length: body.length,
      messageSeq,
      offset: 0,
      data: body,
    });
    const datagram = encodeRecord({
      type: ContentType.handshake,
      version: DTLS_1_0,
      epoch: 0,
      sequence: record.sequence,
      fragment,
    });
    if (datagram.length > RECORD_HEADER_BYTES + record.fragment.length)
      return { kind: 'drop', reason: 'malformed' };
    return { kind: 'verify', datagram };
  }
}
