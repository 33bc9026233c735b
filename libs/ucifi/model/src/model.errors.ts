/** Error codes of the model library, stable for logs and for translation at the edges. */
export type ModelErrorCode = 'DDF_INVALID_XML' | 'DDF_MISSING_FIELD' | 'DDF_INVALID_FIELD' | 'DDF_DUPLICATE';

export class ModelError extends Error {
  override readonly name = 'ModelError';

  constructor(
    readonly code: ModelErrorCode,
    message: string,
    /** File or snapshot the definition came from, for diagnostics. */
    readonly source?: string,
  ) {
    super(source ? `${source}: ${message}` : message);
  }
}
