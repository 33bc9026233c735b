/**
 * RFC 9146 connection ids that route in a cluster: `instanceId || random`. A load balancer (or another instance)
 * reads the first `instanceId.length` bytes of a tls12_cid record's CID to find the instance holding the
 * session; the random part (at least 4 bytes) makes ids unguessable and unique within the instance.
 */
export class CidIssuer {
  readonly length: number;

  constructor(
    private readonly instanceId: Buffer,
    private readonly randomLength: number,
    private readonly randomBytes: (n: number) => Buffer,
  ) {
    if (randomLength < 4) throw new TypeError('connection id random part must be at least 4 bytes');
    this.length = instanceId.length + randomLength;
    // RFC 9146 §3: cid<0..2^8-1>.
    if (this.length > 255) throw new TypeError('connection id longer than 255 bytes');
  }

  /** A fresh id not in use (`inUse` checks the instance's index). */
  issue(inUse: (cid: Buffer) => boolean): Buffer {
    for (;;) {
      const cid = Buffer.concat([this.instanceId, this.randomBytes(this.randomLength)]);
      if (!inUse(cid)) return cid;
    }
  }

  /** The instance prefix of a CID (for routing). */
  static instanceOf(cid: Buffer, instanceIdLength: number): Buffer {
    return cid.subarray(0, instanceIdLength);
  }
}
