import { Lwm2mCodecError, Lwm2mPath, type Lwm2mRecord } from '@smartcity/lwm2m-core';
import { type DecodeContext, type NodeDecoder } from '../codec';
import { RecordCollector, makeRecord, resourceModel } from '../record-util';
import { type TlvItem, TlvType, readTlvs } from './tlv-reader';
import { decodeTlvValue } from './tlv-value';

const LEVEL_OF_TYPE: Record<TlvType, number> = {
  [TlvType.ObjectInstance]: 2,
  [TlvType.MultipleResource]: 3,
  [TlvType.ResourceValue]: 3,
  [TlvType.ResourceInstance]: 4,
};

/**
 * application/vnd.oma.lwm2m+tlv (11542, legacy 1542), Transport 1.1.1 §7.4.3. Each TLV's path is its parent's
 * path plus its id. Accepted shapes, as in the spec examples (Core 1.0 §6.4.3.2): object -> instance TLVs;
 * instance -> resource TLVs, or one instance TLV with the same id; resource -> its resource TLV, a multiple
 * resource TLV, or bare resource instance TLVs. Resources sent under an object path without an instance TLV
 * go to instance 0 (single-instance objects may omit it). Values without a model are kept as opaque bytes.
 */
export class TlvDecoder implements NodeDecoder {
  decode(payload: Uint8Array, ctx: DecodeContext): Lwm2mRecord[] {
    if (ctx.path.level === 'root')
      throw new Lwm2mCodecError('path-mismatch', 'TLV needs an object path at least');
    const out = new RecordCollector(ctx);
    const seen = new Set<string>();
    const walk = (items: TlvItem[], parent: Lwm2mPath, depth: number): void => {
      for (const item of items) {
        const path = childPath(parent, item);
        const key = `${path}#${item.type}`;
        if (seen.has(key))
          throw new Lwm2mCodecError('duplicate', `${path} appears twice`, { offset: item.offset });
        seen.add(key);
        if (item.type === TlvType.ObjectInstance || item.type === TlvType.MultipleResource) {
          if (depth >= 2)
            throw new Lwm2mCodecError('too-deep', 'TLV nested more than two levels', { offset: item.offset });
          const children = readTlvs(payload, item.valueStart, item.valueEnd, ctx.limits.maxRecords);
          const allowed = item.type === TlvType.ObjectInstance ? isResourceTlv : isInstanceTlv;
          const wrong = children.find((c) => !allowed(c));
          if (wrong) {
            throw new Lwm2mCodecError('malformed', `unexpected TLV type ${wrong.type} inside ${path}`, {
              offset: wrong.offset,
            });
          }
          walk(children, path, depth + 1);
        } else {
          addValue(item, path);
        }
      }
    };
    const addValue = (item: TlvItem, path: Lwm2mPath): void => {
      const model = resourceModel(ctx.models, path);
      const type = model?.type ?? 'opaque';
      const value = decodeTlvValue(type, payload.subarray(item.valueStart, item.valueEnd), item.valueStart);
      if (value === undefined) {
        throw new Lwm2mCodecError(
          'invalid-value',
          `${item.valueEnd - item.valueStart} bytes are not a valid ${type} for ${path}`,
          {
            offset: item.offset,
          },
        );
      }
      if (
        (type === 'string' || type === 'corelnk') &&
        (value as string).length > ctx.limits.maxStringLength
      ) {
        throw new Lwm2mCodecError('string-too-long', `string longer than ${ctx.limits.maxStringLength}`, {
          offset: item.offset,
        });
      }
      out.add(makeRecord(path, type, value), { offset: item.offset });
    };
    walk(readTlvs(payload, 0, payload.length, ctx.limits.maxRecords), ctx.path, 0);
    return out.records;
  }
}

function isResourceTlv(item: TlvItem): boolean {
  return item.type === TlvType.ResourceValue || item.type === TlvType.MultipleResource;
}

function isInstanceTlv(item: TlvItem): boolean {
  return item.type === TlvType.ResourceInstance;
}

/** Where a TLV sits relative to its parent path (see the class comment for the tolerated shapes). */
function childPath(parent: Lwm2mPath, item: TlvItem): Lwm2mPath {
  const level = LEVEL_OF_TYPE[item.type];
  const ids = parent.ids();
  if (ids.length === level - 1) return parent.child(item.id);
  if (ids.length === level && ids[level - 1] === item.id) return parent;
  if (ids.length === 1 && level === 3) return new Lwm2mPath(ids[0], 0, item.id);
  throw new Lwm2mCodecError('path-mismatch', `TLV ${describe(item)} does not fit under ${parent}`, {
    offset: item.offset,
  });
}

function describe(item: TlvItem): string {
  const names = ['object instance', 'resource instance', 'multiple resource', 'resource'];
  return `${names[item.type]} ${item.id}`;
}
