import { type Lwm2mRecord } from '@smartcity/lwm2m-core';
import { type EncodeOptions, type NodeEncoder } from '../codec';
import { checkRecords, checkUnderPath } from '../record-util';
import { baseNames } from '../util/base-name';
import { toBase64, utf8Encode } from '../util/bytes';
import { jsonNumber } from './json-text';
import { objlnkText } from './lwm2m-value-fields';

/**
 * LwM2M JSON encoder (Core 1.0 §6.4.4): numbers in "v", strings and base64 opaque in "sv", booleans in "bv",
 * object links in "ov"; record times as absolute "t". Int64 beyond 2**53 is written with all its digits.
 */
export class LwM2mJsonEncoder implements NodeEncoder {
  encode(records: readonly Lwm2mRecord[], options: EncodeOptions): Uint8Array {
    checkRecords(records);
    checkUnderPath(records, options.path);
    const { baseName, names } = baseNames(records.map((r) => r.path));
    const entries = records.map((r, i) => {
      const where = String(r.path);
      let value: string;
      switch (r.type) {
        case 'integer':
        case 'unsigned':
        case 'float':
        case 'time':
          value = `"v":${jsonNumber(r.value, where)}`;
          break;
        case 'boolean':
          value = `"bv":${r.value}`;
          break;
        case 'objlnk':
          value = `"ov":${JSON.stringify(objlnkText(r.value))}`;
          break;
        case 'opaque':
          value = `"sv":"${toBase64(r.value)}"`;
          break;
        default:
          value = `"sv":${JSON.stringify(r.value)}`;
      }
      const time = r.time === undefined ? '' : `,"t":${jsonNumber(r.time, where)}`;
      return `{"n":${JSON.stringify(names[i])},${value}${time}}`;
    });
    const bn = baseName === undefined ? '' : `"bn":${JSON.stringify(baseName)},`;
    return utf8Encode(`{${bn}"e":[${entries.join(',')}]}`);
  }
}
