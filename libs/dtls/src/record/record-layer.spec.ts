import { AesCcm8Protection } from '../crypto/aes-ccm8';
import { parseDatagram } from './record';
import { packDatagrams, RecordLayer } from './record-layer';

const k1 = Buffer.alloc(16, 1);
const k2 = Buffer.alloc(16, 2);
const iv = Buffer.alloc(4, 3);

/** Two record layers whose epoch 1 keys mirror each other (client and server). */
function pair(): { a: RecordLayer; b: RecordLayer } {
  const a = new RecordLayer();
  const b = new RecordLayer();
  a.install(1, new AesCcm8Protection(k1, iv, k2, iv));
  b.install(1, new AesCcm8Protection(k2, iv, k1, iv));
  a.switchWriteEpoch(1);
  b.switchWriteEpoch(1);
  return { a, b };
}

describe('record layer (RFC 6347 §4.1)', () => {
  it('protects records per epoch with increasing sequence numbers', () => {
    const { a, b } = pair();
    const r1 = parseDatagram(a.seal(23, Buffer.from('one')), 0).records[0]!;
    const r2 = parseDatagram(a.seal(23, Buffer.from('two')), 0).records[0]!;
    expect([r1.epoch, r1.sequence, r2.sequence]).toEqual([1, 0, 1]);
    const o = b.open(r2);
    expect(o.ok && o.record.plaintext.toString()).toBe('two');
  });

  it('discards a replay only once the first copy was accepted', () => {
    const { a, b } = pair();
    const r = parseDatagram(a.seal(23, Buffer.from('x')), 0).records[0]!;
    expect(b.open(r).ok).toBe(true);
    expect(b.open(r).ok).toBe(true); // not yet accepted
    b.accept(r.epoch, r.sequence);
    expect(b.open(r)).toEqual({ ok: false, reason: 'replay' });
  });

  it('reports a record it cannot authenticate, of an unknown epoch, or of the next epoch', () => {
    const { a, b } = pair();
    const r = parseDatagram(a.seal(23, Buffer.from('x')), 0).records[0]!;
    const bad = { ...r, fragment: Buffer.from(r.fragment).fill(0, 8, 9) };
    expect(b.open(bad)).toEqual({ ok: false, reason: 'bad_mac' });
    expect(b.open({ ...r, epoch: 2 })).toEqual({ ok: false, reason: 'no_keys' });
    expect(b.open({ ...r, epoch: 7 })).toEqual({ ok: false, reason: 'bad_epoch' });
    expect(b.open({ ...r, version: 0xfeff })).toEqual({ ok: false, reason: 'bad_version' });
    expect(new RecordLayer().open({ ...r, epoch: 0, version: 0xfeff }).ok).toBe(true); // DTLS 1.0 in epoch 0
  });

  it('wraps content in DTLSInnerPlaintext with the CID (RFC 9146 §4) and checks the CID on receipt', () => {
    const { a, b } = pair();
    const cid = Buffer.from('c1d2c3d4', 'hex');
    a.sendCid = cid;
    b.receiveCid = cid;
    const wire = a.seal(23, Buffer.from('hello'));
    const r = parseDatagram(wire, 4).records[0]!;
    expect(r.type).toBe(25);
    expect(r.cid!.equals(cid)).toBe(true);
    const o = b.open(r);
    expect(o.ok && [o.record.type, o.record.plaintext.toString()]).toEqual([23, 'hello']);
    expect(b.open({ ...r, cid: Buffer.from('00000000', 'hex') })).toEqual({ ok: false, reason: 'bad_cid' });
    // A record without the CID we asked for is refused too.
    a.sendCid = undefined;
    expect(b.open(parseDatagram(a.seal(23, Buffer.from('x')), 0).records[0]!)).toEqual({
      ok: false,
      reason: 'bad_cid',
    });
  });

  it('never sends epoch 0 records with a CID', () => {
    const l = new RecordLayer();
    l.sendCid = Buffer.from('aa', 'hex');
    expect(parseDatagram(l.seal(22, Buffer.from('x'), 0), 0).records[0]!.type).toBe(22);
  });

  it('refuses to send past the 48-bit sequence space (RFC 6347 §4.1)', () => {
    const l = new RecordLayer();
    l.setNextWriteSequence(0, 2 ** 48 - 1);
    l.seal(22, Buffer.from('last'));
    expect(() => l.seal(22, Buffer.from('wrap'))).toThrow(/exhausted/);
  });

  it('packs records into datagrams up to the MTU', () => {
    const recs = [Buffer.alloc(500), Buffer.alloc(500), Buffer.alloc(500), Buffer.alloc(1300)];
    expect(packDatagrams(recs, 1200).map((d) => d.length)).toEqual([1000, 500, 1300]);
  });
});
