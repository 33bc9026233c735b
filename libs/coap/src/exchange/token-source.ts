/**
 * Tokens for our requests (RFC 7252 §5.3.1): random, so an off-path attacker cannot guess the token of a
 * pending request to spoof its response. Random bytes are drawn in batches to keep the hot path cheap.
 */
export class TokenSource {
  private pool: Buffer = Buffer.alloc(0);
  private offset = 0;

  constructor(
    private readonly randomBytes: (size: number) => Buffer,
    private readonly length = 8,
  ) {
    if (length < 1 || length > 8) throw new RangeError('token length must be 1..8 bytes');
  }

  next(): Buffer {
    if (this.offset + this.length > this.pool.length) {
      this.pool = this.randomBytes(this.length * 512);
      this.offset = 0;
    }
    const token = this.pool.subarray(this.offset, this.offset + this.length);
    this.offset += this.length;
    return token;
  }
}
