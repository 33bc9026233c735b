import { type Peer } from '@smartcity/coap';
import { type Connection } from '../connection/connection';
import { type SessionState } from '../connection/types';

/** The Peer key of a DTLS session: its session id, so it survives address changes and resumption. */
export function peerKeyOf(session: SessionState): string {
  return `dtls:${session.sessionId.toString('hex')}`;
}

function addrKey(address: string, port: number): string {
  return `${address}|${port}`;
}

interface Entry {
  kind: 'handshake' | 'established';
  addr: string;
  key?: string;
  cid?: string;
  peer?: Peer;
  silent?: boolean;
}

/**
 * The server's lookup tables: handshakes and sessions by address (RFC 6347 §4.2.8: a new handshake from an
 * address may overlap the old session there), sessions by peer key, and any connection by the CID it was issued
 * (RFC 9146). Also counts handshakes per IP address for the limits.
 */
export class SessionIndex<C extends Connection> {
  private readonly handshakes = new Map<string, C>();
  private readonly sessions = new Map<string, C>();
  private readonly keys = new Map<string, C>();
  private readonly cids = new Map<string, C>();
  private readonly perIp = new Map<string, number>();
  private readonly entries = new Map<C, Entry>();

  get handshakeCount(): number {
    return this.handshakes.size;
  }

  get establishedCount(): number {
    return this.keys.size;
  }

  handshake(address: string, port: number): C | undefined {
    return this.handshakes.get(addrKey(address, port));
  }

  established(address: string, port: number): C | undefined {
    return this.sessions.get(addrKey(address, port));
  }

  byKey(key: string): C | undefined {
    return this.keys.get(key);
  }

  byCid(cid: Buffer): C | undefined {
    return this.cids.get(cid.toString('hex'));
  }

  handshakesFrom(address: string): number {
    return this.perIp.get(address) ?? 0;
  }

  keyOf(c: C): string | undefined {
    return this.entries.get(c)?.key;
  }

  all(): C[] {
    return [...this.entries.keys()];
  }

  allEstablished(): C[] {
    return [...this.keys.values()];
  }

  addHandshake(c: C): void {
    const addr = addrKey(c.address, c.port);
    this.handshakes.set(addr, c);
    this.entries.set(c, { kind: 'handshake', addr });
    this.perIp.set(c.address, this.handshakesFrom(c.address) + 1);
  }

  setCid(c: C, cid: Buffer): void {
    const e = this.entries.get(c);
    if (!e) return;
    e.cid = cid.toString('hex');
    this.cids.set(e.cid, c);
  }

  /** Established sessions a newly established `c` replaces: the one at its address, and the same session elsewhere. */
  supersededBy(c: C, key: string): C[] {
    const out = new Set<C>();
    const atAddress = this.sessions.get(addrKey(c.address, c.port));
    if (atAddress && atAddress !== c) out.add(atAddress);
    const sameKey = this.keys.get(key);
    if (sameKey && sameKey !== c) out.add(sameKey);
    return [...out];
  }

  /** A superseded connection of the same session goes without a sessionClosed event: the session lives on. */
  markSilent(c: C): void {
    const e = this.entries.get(c);
    if (e) e.silent = true;
  }

  promote(c: C, key: string): void {
    const e = this.entries.get(c);
    if (!e) return;
    this.dropHandshake(c, e);
    e.kind = 'established';
    e.key = key;
    this.sessions.set(e.addr, c);
    this.keys.set(key, c);
  }

  /** Removes a closed connection; says what it was so the transport reports it once. */
  remove(c: C): 'handshake' | 'established' | 'silent' | undefined {
    const e = this.entries.get(c);
    if (!e) return undefined;
    this.entries.delete(c);
    if (e.cid && this.cids.get(e.cid) === c) this.cids.delete(e.cid);
    if (e.kind === 'handshake') {
      this.dropHandshake(c, e);
      return 'handshake';
    }
    if (this.sessions.get(e.addr) === c) this.sessions.delete(e.addr);
    if (e.key && this.keys.get(e.key) === c) this.keys.delete(e.key);
    return e.silent ? 'silent' : 'established';
  }

  /** RFC 9146 §6: the session moved; it takes the new address unless another session is there. */
  moved(c: C, previous: { address: string; port: number }): void {
    const e = this.entries.get(c);
    if (!e) return;
    const old = addrKey(previous.address, previous.port);
    if (this.sessions.get(old) === c) this.sessions.delete(old);
    e.addr = addrKey(c.address, c.port);
    if (!this.sessions.has(e.addr)) this.sessions.set(e.addr, c);
    e.peer = undefined;
  }

  peerOf(c: C): Peer {
    const e = this.entries.get(c);
    if (e?.peer) return e.peer;
    const session = c.session;
    const peer: Peer = {
      address: c.address,
      port: c.port,
      key: e?.key ?? (session ? peerKeyOf(session) : addrKey(c.address, c.port)),
      ...(session ? { identity: session.peerIdentity } : {}),
    };
    if (e && e.kind === 'established') e.peer = peer;
    return peer;
  }

  private dropHandshake(c: C, e: Entry): void {
    if (this.handshakes.get(e.addr) === c) this.handshakes.delete(e.addr);
    const n = this.handshakesFrom(c.address) - 1;
    if (n > 0) this.perIp.set(c.address, n);
    else this.perIp.delete(c.address);
  }
}
