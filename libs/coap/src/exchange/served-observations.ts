import { type BlockSettings } from '../block/block-settings';
import { type Peer } from '../transport/peer';

/**
 * The observations this endpoint serves (it is the observed server, RFC 7641 §4), remembered only for what the
 * message layer needs: the request key of each, so the later blocks of a large notification can be served
 * from the body cache (RFC 7959 §2.6). Which resources are observed is the application's business.
 * Bounded: the oldest entries go first.
 */
export class ServedObservations {
  private readonly byToken = new Map<string, string>();

  constructor(private readonly settings: BlockSettings) {}

  add(peer: Peer, token: Buffer, requestKey: string): void {
    const key = `${peer.key}#${token.toString('hex')}`;
    this.byToken.delete(key);
    this.byToken.set(key, requestKey);
    if (this.byToken.size > this.settings.maxTransfers) {
      const oldest = this.byToken.keys().next().value;
      if (oldest !== undefined) this.byToken.delete(oldest);
    }
  }

  requestKey(peer: Peer, token: Buffer): string | undefined {
    return this.byToken.get(`${peer.key}#${token.toString('hex')}`);
  }

  remove(peer: Peer, token: Buffer): void {
    this.byToken.delete(`${peer.key}#${token.toString('hex')}`);
  }

  clear(): void {
    this.byToken.clear();
  }
}
