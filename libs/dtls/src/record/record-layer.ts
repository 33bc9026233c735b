import { DtlsError } from '../errors';
import {
  AlertDescription,
  ContentType,
  DTLS_1_0,
  DTLS_1_2,
  MAX_PLAINTEXT,
  MAX_SEQUENCE,
} from '../protocol/constants';
import { encodeRecord, type DtlsRecord, recordHeaderLength } from './record';
import { NULL_PROTECTION, type RecordHeader, type RecordProtection } from './record-protection';
import { ReplayWindow } from './replay-window';

interface EpochState {
  readonly protection: RecordProtection;
  nextWriteSeq: number;
  readonly window: ReplayWindow;
}

/** A record that authenticated, with its real content type (RFC 9146 §4: from the inner plaintext). */
export interface OpenedRecord {
  readonly type: number;
  readonly plaintext: Buffer;
  readonly epoch: number;
  readonly sequence: number;
  /** Higher than any sequence number accepted so far in its epoch (RFC 9146 §6 address updates). */
  readonly newest: boolean;
}

export type OpenResult =
  | { readonly ok: true; readonly record: OpenedRecord }
  | {
      readonly ok: false;
      readonly reason:
        'no_keys' | 'bad_epoch' | 'bad_version' | 'replay' | 'bad_mac' | 'bad_cid' | 'malformed';
    };

/**
 * Per-connection record state (RFC 6347 §4.1): one protection, write sequence counter and anti-replay window
 * per epoch, the current write epoch, and the connection ids of RFC 9146 (the peer's, which we put on records
 * we send; ours, which records we receive in protected epochs must carry).
 */
export class RecordLayer {
  private readonly epochs = new Map<number, EpochState>();
  private currentWriteEpoch = 0;
  /** RFC 9146 §3: the CID the peer asked us to send (empty/undefined: plain records). */
  sendCid: Buffer | undefined;
  /** The CID we asked the peer to send; records in epochs > 0 must then be tls12_cid with it. */
  receiveCid: Buffer | undefined;

  constructor() {
    this.epochs.set(0, { protection: NULL_PROTECTION, nextWriteSeq: 0, window: new ReplayWindow() });
  }

  get writeEpoch(): number {
    return this.currentWriteEpoch;
  }

  install(epoch: number, protection: RecordProtection): void {
    this.epochs.set(epoch, { protection, nextWriteSeq: 0, window: new ReplayWindow() });
  }

  has(epoch: number): boolean {
    return this.epochs.has(epoch);
  }

  /** Drops an old epoch's keys once nothing can need them (retransmissions done). */
  forget(epoch: number): void {
    if (epoch !== this.currentWriteEpoch) this.epochs.delete(epoch);
  }

  /** RFC 6347 §4.1: after sending ChangeCipherSpec, records use the next epoch with sequence numbers from 0. */
  switchWriteEpoch(epoch: number): void {
    if (!this.epochs.has(epoch)) throw new DtlsError(AlertDescription.internal_error, 'epoch not installed');
    this.currentWriteEpoch = epoch;
  }

  /** Continue epoch 0 numbering after the ClientHello (RFC 6347 §4.2.1, the stateless server). */
  setNextWriteSequence(epoch: number, seq: number): void {
    const state = this.epochs.get(epoch);
    if (state) state.nextWriteSeq = seq;
  }

  /** Bytes a record in `epoch` adds around its plaintext (header, CID, protection, CID content type byte). */
  overhead(epoch: number): number {
    const state = this.epochs.get(epoch);
    const cidLength = epoch > 0 && this.sendCid ? this.sendCid.length : 0;
    return recordHeaderLength(cidLength) + (cidLength > 0 ? 1 : 0) + (state?.protection.expansion ?? 0);
  }

  sealedLengthRange(epoch: number, plaintextLength: number): readonly [number, number] | undefined {
    return this.epochs.get(epoch)?.protection.sealedLengthRange(plaintextLength);
  }

  /** Protects and encodes one record. RFC 9146 §4 wraps the content in DTLSInnerPlaintext when a CID is sent. */
  seal(type: number, plaintext: Buffer, epoch = this.currentWriteEpoch, version = DTLS_1_2): Buffer {
    const state = this.epochs.get(epoch);
    if (!state) throw new DtlsError(AlertDescription.internal_error, 'epoch not installed');
    if (plaintext.length > MAX_PLAINTEXT)
      throw new DtlsError(AlertDescription.record_overflow, 'record too large');
    // RFC 6347 §4.1: "implementations MUST NOT allow the sequence number to wrap"; we never renegotiate.
    if (state.nextWriteSeq > MAX_SEQUENCE) {
      throw new DtlsError(AlertDescription.internal_error, 'sequence numbers exhausted');
    }
    const sequence = state.nextWriteSeq++;
    const useCid = epoch > 0 && this.sendCid !== undefined && this.sendCid.length > 0;
    const header: RecordHeader = useCid
      ? { type: ContentType.tls12Cid, version, epoch, sequence, cid: this.sendCid }
      : { type, version, epoch, sequence };
    const content = useCid ? Buffer.concat([plaintext, Buffer.from([type])]) : plaintext;
    const fragment = state.protection.seal(header, content);
    const record: DtlsRecord = header.cid
      ? { type: header.type, version, epoch, sequence, cid: header.cid, fragment }
      : { type: header.type, version, epoch, sequence, fragment };
    return encodeRecord(record);
  }

  /** Authenticates a record without changing state (the replay window moves only in `accept`). */
  open(record: DtlsRecord): OpenResult {
    const state = this.epochs.get(record.epoch);
    if (!state)
      return { ok: false, reason: record.epoch === this.highestEpoch() + 1 ? 'no_keys' : 'bad_epoch' };
    // RFC 6347 §4.1: DTLS 1.2 records; epoch 0 may carry {254,255} (RFC 6347 §4.2.1, pre-negotiation).
    if (record.version !== DTLS_1_2 && !(record.epoch === 0 && record.version === DTLS_1_0)) {
      return { ok: false, reason: 'bad_version' };
    }
    const isCid = record.type === ContentType.tls12Cid;
    const expectCid = record.epoch > 0 && this.receiveCid !== undefined && this.receiveCid.length > 0;
    if (isCid !== expectCid || (isCid && !record.cid!.equals(this.receiveCid!)))
      return { ok: false, reason: 'bad_cid' };
    const seen = state.window.check(record.sequence);
    if (seen !== 'ok') return { ok: false, reason: 'replay' };
    const header: RecordHeader = isCid
      ? {
          type: record.type,
          version: record.version,
          epoch: record.epoch,
          sequence: record.sequence,
          cid: record.cid,
        }
      : record;
    const plaintext = state.protection.open(header, record.fragment);
    if (!plaintext) return { ok: false, reason: 'bad_mac' };
    let type = record.type;
    let content = plaintext;
    if (isCid) {
      // RFC 9146 §4 DTLSInnerPlaintext: content, real_type, zeros; the last non-zero byte is the type.
      let end = plaintext.length - 1;
      while (end >= 0 && plaintext[end] === 0) end--;
      if (end < 0) return { ok: false, reason: 'malformed' };
      type = plaintext[end]!;
      content = plaintext.subarray(0, end);
    }
    if (content.length > MAX_PLAINTEXT) return { ok: false, reason: 'malformed' };
    const newest = record.sequence > state.window.latest;
    return {
      ok: true,
      record: { type, plaintext: content, epoch: record.epoch, sequence: record.sequence, newest },
    };
  }

  /** Marks an authenticated record as received (RFC 6347 §4.1.2.6). */
  accept(epoch: number, sequence: number): void {
    this.epochs.get(epoch)?.window.accept(sequence);
  }

  highestEpoch(): number {
    let max = 0;
    for (const e of this.epochs.keys()) max = Math.max(max, e);
    return max;
  }
}

/** Packs encoded records into datagrams of at most `mtu` bytes (RFC 6347 §4.1.1), in order. */
export function packDatagrams(records: readonly Buffer[], mtu: number): Buffer[] {
  const out: Buffer[] = [];
  let current: Buffer[] = [];
  let size = 0;
  for (const r of records) {
    if (size > 0 && size + r.length > mtu) {
      out.push(Buffer.concat(current));
      current = [];
      size = 0;
    }
    current.push(r);
    size += r.length;
  }
  if (size > 0) out.push(Buffer.concat(current));
  return out;
}
