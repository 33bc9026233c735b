/**
 * CoAP Content-Format numbers used by LwM2M (IANA CoAP Content-Formats registry; LwM2M Transport 1.1.1 §7.4,
 * LwM2M 1.2 Transport §7.4.7 for 11544). 1541-1543 are the pre-registration numbers LwM2M 1.0 clients still send.
 */
export const ContentFormat = {
  TEXT: 0,
  LINK: 40,
  OPAQUE: 42,
  CBOR: 60,
  SENML_JSON: 110,
  SENML_CBOR: 112,
  TLV: 11542,
  JSON: 11543,
  LWM2M_CBOR: 11544,
  LEGACY_TEXT: 1541,
  LEGACY_TLV: 1542,
  LEGACY_JSON: 1543,
} as const;

export type ContentFormatNumber = (typeof ContentFormat)[keyof typeof ContentFormat];

export const CONTENT_FORMAT_NAMES: Readonly<Record<number, string>> = {
  0: 'text/plain',
  40: 'application/link-format',
  42: 'application/octet-stream',
  60: 'application/cbor',
  110: 'application/senml+json',
  112: 'application/senml+cbor',
  11542: 'application/vnd.oma.lwm2m+tlv',
  11543: 'application/vnd.oma.lwm2m+json',
  11544: 'application/vnd.oma.lwm2m+cbor',
  1541: 'text/plain (LwM2M 1.0 legacy number)',
  1542: 'application/vnd.oma.lwm2m+tlv (LwM2M 1.0 legacy number)',
  1543: 'application/vnd.oma.lwm2m+json (LwM2M 1.0 legacy number)',
};

/** Formats whose records carry a timestamp (SenML `bt`/`t`, LwM2M JSON `bt`/`t`). */
export function carriesTime(contentFormat: number): boolean {
  return (
    contentFormat === ContentFormat.SENML_JSON ||
    contentFormat === ContentFormat.SENML_CBOR ||
    contentFormat === ContentFormat.JSON ||
    contentFormat === ContentFormat.LEGACY_JSON
  );
}
