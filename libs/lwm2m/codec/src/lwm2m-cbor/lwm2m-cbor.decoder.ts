import { Lwm2mCodecError, Lwm2mPath, type Lwm2mRecord } from '@smartcity/lwm2m-core';
import { type CborItem, type CborKey } from '../cbor/cbor-item';
import { CborReader } from '../cbor/cbor-reader';
import { cborToValue, cborTypeError, inferCborType } from '../cbor/cbor-value';
import { type DecodeContext, type NodeDecoder } from '../codec';
import { RecordCollector, makeRecord, resourceModel } from '../record-util';

/**
 * application/vnd.oma.lwm2m+cbor (11544), LwM2M 1.2 Transport §7.4.7: nested CBOR maps whose keys are path ids
 * from the root, or arrays of ids that cover several levels at once (`{[3,0]: {0: "x"}}`); leaves are values
 * encoded as in the CBOR format (§7.4.6). Streaming clients (e.g. Anjay) send indefinite-length maps: accepted.
 */
export class LwM2mCborDecoder implements NodeDecoder {
  decode(payload: Uint8Array, ctx: DecodeContext): Lwm2mRecord[] {
    const root = new CborReader(payload, ctx.limits, {
      allowIndefiniteContainers: true,
      allowArrayKeys: true,
    }).readSingle();
    if (!(root instanceof Map))
      throw new Lwm2mCodecError('malformed', 'LwM2M CBOR must be a map', { offset: 0 });
    const out = new RecordCollector(ctx);
    const seen = new Set<string>();
    const walk = (map: Map<CborKey, CborItem>, ids: number[]): void => {
      for (const [key, item] of map) {
        const childIds = ids.concat(keyIds(key));
        if (childIds.length > 4)
          throw new Lwm2mCodecError('invalid-path', `path /${childIds.join('/')} is too long`);
        const path = new Lwm2mPath(childIds[0], childIds[1], childIds[2], childIds[3]);
        const text = path.toString();
        if (seen.has(text)) throw new Lwm2mCodecError('duplicate', `${text} appears twice`);
        seen.add(text);
        if (item instanceof Map) {
          walk(item, childIds);
          continue;
        }
        const type = resourceModel(ctx.models, path)?.type ?? inferCborType(item);
        if (type === undefined) throw new Lwm2mCodecError('unsupported-item', `no LwM2M value at ${path}`);
        const value = cborToValue(type, item);
        if (value === undefined) throw cborTypeError(type, String(path));
        out.add(makeRecord(path, type, value));
      }
    };
    walk(root, []);
    return out.records;
  }
}

/** A key is one id (0..65534) or a non-empty array of ids. */
function keyIds(key: CborKey): number[] {
  const ids = Array.isArray(key) ? key : [key];
  if (
    ids.length === 0 ||
    !ids.every((id) => typeof id === 'number' && Number.isInteger(id) && id >= 0 && id <= 65534)
  ) {
    throw new Lwm2mCodecError('invalid-path', `LwM2M CBOR key ${JSON.stringify(key)} is not a path id`);
  }
  return ids as number[];
}
