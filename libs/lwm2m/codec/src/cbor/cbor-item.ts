/**
 * The CBOR data model (RFC 8949 §3) as decoded by CborReader: integers are numbers (bigint beyond 2**53),
 * byte strings Uint8Array, text strings string, arrays JS arrays, maps Map, booleans/null/undefined as such.
 * Floats and tags are wrapped so that "1.0" stays distinguishable from "1" and a tag from its content.
 */
export type CborItem =
  | number
  | bigint
  | string
  | boolean
  | null
  | undefined
  | Uint8Array
  | CborFloat
  | CborTagged
  | CborItem[]
  | Map<CborKey, CborItem>;

/** Map keys: integers and text, plus arrays of ids for LwM2M CBOR path keys (LwM2M 1.2 Transport §7.4.7). */
export type CborKey = number | string | CborItem[];

export class CborFloat {
  constructor(
    readonly value: number,
    /** Encoded width in bytes: 2 (half), 4 (single) or 8 (double). */
    readonly width: 2 | 4 | 8,
  ) {}
}

export class CborTagged {
  constructor(
    readonly tag: number,
    readonly item: CborItem,
  ) {}
}

export function isCborInteger(item: CborItem): item is number | bigint {
  return typeof item === 'bigint' || (typeof item === 'number' && Number.isInteger(item));
}
