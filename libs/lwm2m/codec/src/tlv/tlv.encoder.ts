import { Lwm2mCodecError, type Lwm2mRecord } from '@smartcity/lwm2m-core';
import { type EncodeOptions, type NodeEncoder } from '../codec';
import { checkRecords, checkUnderPath } from '../record-util';
import { ByteWriter } from '../util/byte-writer';
import { TLV_MAX_LENGTH, TlvType } from './tlv-reader';
import { encodeTlvValue } from './tlv-value';

interface ResourceGroup {
  id: number;
  single?: Lwm2mRecord;
  instances: Lwm2mRecord[];
}

/**
 * TLV encoder (Transport 1.1.1 §7.4.3). The shape follows the target path like the spec examples: an object path
 * gives object instance TLVs, an instance path gives resource TLVs, a resource path its resource (or multiple
 * resource) TLV, a resource instance path one resource instance TLV. Records keep their order of first appearance.
 */
export class TlvEncoder implements NodeEncoder {
  encode(records: readonly Lwm2mRecord[], options: EncodeOptions): Uint8Array {
    checkRecords(records);
    checkUnderPath(records, options.path);
    const level = options.path.level;
    if (level === 'root') throw new Lwm2mCodecError('path-mismatch', 'TLV cannot encode the root path');
    const out = new ByteWriter();
    if (level === 'resourceInstance') {
      const [r] = records;
      if (records.length !== 1 || !r)
        throw new Lwm2mCodecError('invalid-value', 'one value expected for a resource instance');
      writeValue(out, TlvType.ResourceInstance, r.path.resourceInstanceId as number, r);
      return out.toBytes();
    }
    const instances = new Map<number, Map<number, ResourceGroup>>();
    for (const r of records) {
      const iid = r.path.instanceId as number;
      const rid = r.path.resourceId as number;
      let resources = instances.get(iid);
      if (!resources) instances.set(iid, (resources = new Map()));
      let group = resources.get(rid);
      if (!group) resources.set(rid, (group = { id: rid, instances: [] }));
      if (r.path.resourceInstanceId === undefined) {
        if (group.single || group.instances.length) throw duplicate(r);
        group.single = r;
      } else {
        if (group.single) throw duplicate(r);
        group.instances.push(r);
      }
    }
    for (const [iid, resources] of instances) {
      if (level === 'object')
        writeContainer(out, TlvType.ObjectInstance, iid, () => writeResources(out, resources));
      else writeResources(out, resources);
    }
    return out.toBytes();
  }
}

function duplicate(r: Lwm2mRecord): Lwm2mCodecError {
  return new Lwm2mCodecError('duplicate', `${r.path} given twice or both as single and multiple resource`);
}

function writeResources(out: ByteWriter, resources: Map<number, ResourceGroup>): void {
  for (const group of resources.values()) {
    if (group.single) writeValue(out, TlvType.ResourceValue, group.id, group.single);
    else {
      writeContainer(out, TlvType.MultipleResource, group.id, () => {
        for (const r of group.instances)
          writeValue(out, TlvType.ResourceInstance, r.path.resourceInstanceId as number, r);
      });
    }
  }
}

function writeValue(out: ByteWriter, type: TlvType, id: number, r: Lwm2mRecord): void {
  writeContainer(out, type, id, () => encodeTlvValue(out, r.type, r.value));
}

/**
 * Writes the header with a 3-byte length placeholder, the body, then compacts the header to the shortest length
 * form (bits 4-3 of the type byte). Moving the body is cheap next to building every body twice.
 */
function writeContainer(out: ByteWriter, type: TlvType, id: number, body: () => void): void {
  const start = out.length;
  const idBytes = id > 0xff ? 2 : 1;
  out.u8(0);
  if (idBytes === 2) out.u16(id);
  else out.u8(id);
  const lengthAt = out.length;
  out.u24(0);
  const bodyStart = out.length;
  body();
  const length = out.length - bodyStart;
  if (length > TLV_MAX_LENGTH)
    throw new Lwm2mCodecError('payload-too-large', `TLV value of ${length} bytes is too long`);
  const lengthBytes = length < 8 ? 0 : length <= 0xff ? 1 : length <= 0xffff ? 2 : 3;
  out.patch(
    start,
    1,
    (type << 6) | (idBytes === 2 ? 0x20 : 0) | (lengthBytes << 3) | (lengthBytes === 0 ? length : 0),
  );
  if (lengthBytes < 3) out.shiftLeft(bodyStart, 3 - lengthBytes);
  if (lengthBytes > 0) out.patch(lengthAt, lengthBytes, length);
}
