import {
  type CoapMessage,
  CoapType,
  type DatagramListener,
  type DatagramTransport,
  formatCode,
  parseCoapMessage,
  type Peer,
  UdpTransport,
} from '@smartcity/coap';

export interface RecordedDatagram {
  readonly direction: 'in' | 'out';
  readonly peer: Peer;
  /** Undefined when the datagram is not a well-formed CoAP message. */
  readonly message: CoapMessage | undefined;
  readonly at: number;
  /** An outgoing datagram the test chose to lose (see `loseOutgoing`). */
  readonly lost?: boolean;
}

/**
 * A UDP transport that records every datagram in both directions, parsed: the tests assert what went on the
 * wire (a Reset sent, no notification after a cancel) without trusting the stack under test to report it.
 */
export class RecordingTransport implements DatagramTransport {
  readonly scheme = 'coap' as const;
  readonly datagrams: RecordedDatagram[] = [];
  /**
   * Loses outgoing datagrams the predicate picks (recorded, not sent), as the network would: the peer must
   * retransmit (RFC 7252 §4.2) and our deduplication answer again (§4.5).
   */
  loseOutgoing: ((message: CoapMessage) => boolean) | undefined;
  private readonly inner = new UdpTransport({ host: '127.0.0.1', port: 0 });

  start(onDatagram: DatagramListener): Promise<void> {
    return this.inner.start((data, peer) => {
      this.record('in', data, peer);
      onDatagram(data, peer);
    });
  }

  send(data: Buffer, peer: Peer): void {
    const recorded = this.record('out', data, peer);
    if (recorded.message && this.loseOutgoing?.(recorded.message)) {
      this.datagrams[this.datagrams.length - 1] = { ...recorded, lost: true };
      return;
    }
    this.inner.send(data, peer);
  }

  localAddress(): { address: string; port: number } {
    return this.inner.localAddress();
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  /** The messages of one direction matching `match`, optionally only those after index `since`. */
  messages(
    direction: 'in' | 'out',
    match: (m: CoapMessage) => boolean = () => true,
    since = 0,
  ): CoapMessage[] {
    return this.datagrams
      .slice(since)
      .filter((d) => d.direction === direction && d.message !== undefined && match(d.message))
      .map((d) => d.message as CoapMessage);
  }

  /** A position in the record, to look only at what comes after it. */
  mark(): number {
    return this.datagrams.length;
  }

  /** One line per datagram, for failure messages. */
  dump(since = 0): string {
    return this.datagrams
      .slice(since)
      .map((d) => {
        const m = d.message;
        if (!m) return `${d.direction} (malformed)`;
        const options = m.options.map((o) => `${o.number}:${o.value.toString('hex')}`).join(' ');
        return `${d.direction}${d.lost ? ' (lost)' : ''} ${CoapType[m.type]} ${formatCode(m.code)} mid=${m.messageId} tok=${m.token.toString('hex')} [${options}] ${m.payload.length}B`;
      })
      .join('\n');
  }

  private record(direction: 'in' | 'out', data: Buffer, peer: Peer): RecordedDatagram {
    let message: CoapMessage | undefined;
    try {
      message = parseCoapMessage(data);
    } catch {
      message = undefined;
    }
    const recorded: RecordedDatagram = { direction, peer, message, at: Date.now() };
    this.datagrams.push(recorded);
    return recorded;
  }
}

export const sameToken = (token: Buffer) => (m: CoapMessage) => m.token.equals(token);
export const isReset = (m: CoapMessage): boolean => m.type === CoapType.Reset;

/**
 * Triggers a notification (`trigger`) and waits for the peer's answer to the CON notification on `token`: an
 * ACK (still observing) or a Reset (it cancelled, RFC 7641 §3.6).
 */
export async function answerToNotification(
  transport: RecordingTransport,
  token: Buffer,
  trigger: () => Promise<void>,
  timeoutMs = 20_000,
): Promise<'ACK' | 'RST'> {
  const mark = transport.mark();
  await trigger();
  const until = Date.now() + timeoutMs;
  for (;;) {
    const last = transport
      .messages('out', (m) => m.token.equals(token) && m.type === CoapType.Confirmable, mark)
      .at(-1);
    const answer = last
      ? transport.messages(
          'in',
          (m) => m.messageId === last.messageId && m.type !== CoapType.Confirmable,
          mark,
        )[0]
      : undefined;
    if (answer) return answer.type === CoapType.Reset ? 'RST' : 'ACK';
    if (Date.now() > until) throw new Error(`no answer to the notification within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
