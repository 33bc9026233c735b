import { Lwm2mCodecError, type Lwm2mRecord } from '@smartcity/lwm2m-core';
import { writeCborValue } from '../cbor/cbor-value';
import { CborWriter } from '../cbor/cbor-writer';
import { type EncodeOptions, type NodeEncoder } from '../codec';
import { checkRecords, checkUnderPath } from '../record-util';

type Node = Map<number, Node | Lwm2mRecord>;

/**
 * LwM2M CBOR encoder (LwM2M 1.2 Transport §7.4.7): definite-length nested maps from the root, one id per key
 * (the array-key compression is optional for writers), children in order of first appearance.
 */
export class LwM2mCborEncoder implements NodeEncoder {
  encode(records: readonly Lwm2mRecord[], options: EncodeOptions): Uint8Array {
    checkRecords(records);
    checkUnderPath(records, options.path);
    const root: Node = new Map();
    records.forEach((r, i) => {
      const ids = r.path.ids();
      let node = root;
      ids.forEach((id, level) => {
        const existing = node.get(id);
        if (level === ids.length - 1) {
          if (existing !== undefined) throw duplicate(r, i);
          node.set(id, r);
          return;
        }
        if (existing !== undefined && !(existing instanceof Map)) throw duplicate(r, i);
        let next = existing;
        if (!next) node.set(id, (next = new Map()));
        node = next;
      });
    });
    const w = new CborWriter();
    write(w, root);
    return w.toBytes();
  }
}

function write(w: CborWriter, node: Node): void {
  w.mapHeader(node.size);
  for (const [id, child] of node) {
    w.integer(id);
    if (child instanceof Map) write(w, child);
    else writeCborValue(w, child.type, child.value);
  }
}

function duplicate(r: Lwm2mRecord, record: number): Lwm2mCodecError {
  return new Lwm2mCodecError('duplicate', `${r.path} given twice or both as a value and a parent`, {
    record,
  });
}
