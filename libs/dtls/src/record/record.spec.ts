import { encodeRecord, parseDatagram, type DtlsRecord } from './record';

const rec = (over: Partial<DtlsRecord> = {}): DtlsRecord => ({
  type: 22,
  version: 0xfefd,
  epoch: 0,
  sequence: 1,
  fragment: Buffer.from('abc'),
  ...over,
});

describe('DTLS record codec (RFC 6347 §4.1, RFC 9146 §4)', () => {
  it.each<[string, DtlsRecord, number]>([
    ['plaintext handshake', rec(), 0],
    ['48-bit sequence number', rec({ sequence: 2 ** 48 - 1, epoch: 65535 }), 0],
    ['empty fragment', rec({ fragment: Buffer.alloc(0) }), 0],
    ['tls12_cid with its CID', rec({ type: 25, epoch: 1, cid: Buffer.from('0102030405', 'hex') }), 5],
  ])('round-trips %s', (_name, record, cidLength) => {
    const parsed = parseDatagram(encodeRecord(record), cidLength);
    expect(parsed.stopped).toBeUndefined();
    expect(parsed.records).toHaveLength(1);
    const r = parsed.records[0]!;
    expect({ ...r, fragment: r.fragment.toString('hex'), cid: r.cid?.toString('hex') }).toEqual({
      ...record,
      fragment: record.fragment.toString('hex'),
      cid: record.cid?.toString('hex'),
    });
  });

  it('reads several records from one datagram (RFC 6347 §4.1.1)', () => {
    const d = Buffer.concat([
      encodeRecord(rec({ sequence: 1 })),
      encodeRecord(rec({ sequence: 2, type: 20 })),
    ]);
    expect(parseDatagram(d, 0).records.map((r) => [r.type, r.sequence])).toEqual([
      [22, 1],
      [20, 2],
    ]);
  });

  it.each<[string, Buffer, number, string, number]>([
    ['a header cut short', encodeRecord(rec()).subarray(0, 10), 0, 'malformed', 0],
    ['a length beyond the datagram', encodeRecord(rec()).subarray(0, 15), 0, 'malformed', 0],
    [
      'a tls12_cid record when we issued no CIDs',
      encodeRecord(rec({ type: 25, cid: Buffer.alloc(4) })),
      0,
      'unknown_cid_length',
      0,
    ],
    [
      'a second record after a good one, cut short',
      Buffer.concat([encodeRecord(rec()), Buffer.from([22, 0xfe])]),
      0,
      'malformed',
      1,
    ],
    [
      'a length above 2^14 + 2048 (RFC 5246 §6.2.3)',
      Buffer.concat([
        Buffer.from('16fefd0000000000000001', 'hex'),
        Buffer.from([0x48, 0x01]),
        Buffer.alloc(18433),
      ]),
      0,
      'malformed',
      0,
    ],
  ])('stops at %s', (_name, datagram, cidLength, stopped, kept) => {
    const parsed = parseDatagram(datagram, cidLength);
    expect(parsed.stopped).toBe(stopped);
    expect(parsed.records).toHaveLength(kept);
  });

  it('stops after the maximum number of records per datagram', () => {
    const d = Buffer.concat(Array.from({ length: 40 }, (_, i) => encodeRecord(rec({ sequence: i }))));
    const parsed = parseDatagram(d, 0, 32);
    expect(parsed.records).toHaveLength(32);
    expect(parsed.stopped).toBe('too_many_records');
  });
});
