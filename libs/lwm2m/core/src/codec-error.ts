/**
 * Every way a payload, link-format document or query can be refused. One error class for all LwM2M
 * parsing and encoding (core and codec libs), so callers translate a single type at their edge
 * (4.00/4.06/4.15 in the ingest, DLQ in the decoder, exit code 2 in the CLI).
 */
export type Lwm2mCodecErrorCode =
  | 'unsupported-format' // content format this library does not decode/encode
  | 'payload-too-large' // limits.maxPayloadBytes
  | 'too-many-records' // limits.maxRecords
  | 'too-deep' // limits.maxDepth
  | 'string-too-long' // limits.maxStringLength
  | 'truncated' // the payload ends inside an item
  | 'trailing-bytes' // bytes after the last item
  | 'malformed' // syntax error of the format itself (bad TLV type, bad JSON, bad CBOR head...)
  | 'unsupported-item' // well-formed but outside the subset LwM2M uses (CBOR tags, indefinite strings...)
  | 'invalid-utf8'
  | 'invalid-path' // a name or key that is not a valid LwM2M path
  | 'path-mismatch' // a record outside the request path, or at the wrong level
  | 'duplicate' // the same path twice where the format forbids it
  | 'unknown-field' // SenML/JSON field this implementation does not understand (RFC 8428 §4.4)
  | 'missing-field' // e.g. SenML record without a name nor base name
  | 'invalid-value' // a value that does not fit the resource type
  | 'unknown-resource' // no model says which type to use and the format does not carry it
  | 'invalid-link' // RFC 6690 link-format syntax or LwM2M attribute value
  | 'invalid-parameter'; // registration / update / write-attributes query parameter

export interface Lwm2mCodecErrorLocation {
  /** Byte offset in the payload (binary formats) or character offset (text formats). */
  readonly offset?: number;
  /** Index of the record (SenML/JSON entry, link, query parameter) the error is about. */
  readonly record?: number;
}

export class Lwm2mCodecError extends Error {
  override readonly name = 'Lwm2mCodecError';
  readonly code: Lwm2mCodecErrorCode;
  readonly offset?: number;
  readonly record?: number;

  constructor(code: Lwm2mCodecErrorCode, message: string, location: Lwm2mCodecErrorLocation = {}) {
    // Bad input is expected, not a bug: no stack trace. Capturing one costs more than decoding a small payload,
    // which matters when a hostile peer floods the ingest with garbage.
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message + describeLocation(location));
    Error.stackTraceLimit = stackTraceLimit;
    this.code = code;
    if (location.offset !== undefined) this.offset = location.offset;
    if (location.record !== undefined) this.record = location.record;
  }
}

function describeLocation({ offset, record }: Lwm2mCodecErrorLocation): string {
  const parts: string[] = [];
  if (record !== undefined) parts.push(`record ${record}`);
  if (offset !== undefined) parts.push(`offset ${offset}`);
  return parts.length ? ` (at ${parts.join(', ')})` : '';
}
