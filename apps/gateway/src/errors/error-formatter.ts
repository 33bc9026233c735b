import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { stripSuggestions, translateError } from './error-translation';
import { GatewayErrorCode } from './gateway.exception';

const KNOWN_CODES: ReadonlySet<string> = new Set(Object.values(GatewayErrorCode));

export interface FormatterOptions {
  /** Production: suggestions stripped from validation messages. */
  readonly production: boolean;
  /** Receives internal failures with their real cause (never sent to the client). */
  readonly onInternalError: (err: unknown) => void;
}

export interface ExecutionLike {
  readonly data?: Record<string, unknown> | null;
  readonly errors: readonly GraphQLError[];
}

/**
 * The last step before a response leaves: every error gets one of the gateway's codes and a client-safe message.
 * Errors already translated by the exception filter (they carry a known `extensions.code`) pass through; graphql
 * validation/parse errors (mercurius wraps them in `originalError.errors`) become GRAPHQL_VALIDATION_FAILED; input
 * coercion errors BAD_USER_INPUT; anything else is translated from its original error, internals hidden.
 */
export function formatErrors(
  execution: ExecutionLike,
  options: FormatterOptions,
): {
  statusCode: number;
  response: { data: Record<string, unknown> | null; errors: GraphQLFormattedError[] };
} {
  let validationFailed = false;
  let httpStatus: number | undefined;
  const out: GraphQLFormattedError[] = [];
  for (const error of execution.errors) {
    const refused = refusedRequest(error);
    if (refused) {
      httpStatus = refused.status;
      out.push({ message: refused.message, extensions: { code: refused.code } });
      continue;
    }
    const nested = (error.originalError as { errors?: unknown } | undefined)?.errors;
    if (Array.isArray(nested)) {
      validationFailed = true;
      for (const inner of nested as GraphQLError[]) out.push(validationError(inner, options));
      continue;
    }
    out.push(formatOne(error, options));
  }
  return {
    statusCode: httpStatus ?? (validationFailed && !execution.data ? 400 : 200),
    response: { data: execution.data ?? null, errors: out },
  };
}

/**
 * Fastify refuses some requests before GraphQL sees them (body too large, bad content type, empty JSON body) and
 * mercurius hands those errors to this formatter: they keep their HTTP status and become client errors, not
 * internal ones. Fastify's messages for them are fixed texts, safe to show.
 */
function refusedRequest(
  error: GraphQLError,
): { status: number; code: GatewayErrorCode; message: string } | undefined {
  const original = error.originalError as { code?: unknown; statusCode?: unknown } | undefined;
  if (!original || typeof original.code !== 'string' || !original.code.startsWith('FST_')) return undefined;
  const status = original.statusCode;
  if (typeof status !== 'number' || status < 400 || status > 499) return undefined;
  return status === 413
    ? { status, code: GatewayErrorCode.PayloadTooLarge, message: 'request body too large' }
    : { status, code: GatewayErrorCode.BadUserInput, message: error.message };
}

function validationError(error: GraphQLError, options: FormatterOptions): GraphQLFormattedError {
  const code =
    typeof error.extensions?.['code'] === 'string'
      ? error.extensions['code']
      : GatewayErrorCode.ValidationFailed;
  return {
    message: options.production ? stripSuggestions(error.message) : error.message,
    ...(error.locations ? { locations: error.locations } : {}),
    extensions: { ...error.extensions, code },
  };
}

function formatOne(error: GraphQLError, options: FormatterOptions): GraphQLFormattedError {
  const located = {
    ...(error.locations ? { locations: error.locations } : {}),
    ...(error.path ? { path: error.path } : {}),
  };
  const code = error.extensions?.['code'];
  if (typeof code === 'string' && KNOWN_CODES.has(code)) {
    return { message: error.message, ...located, extensions: { ...error.extensions } };
  }
  const original = error.originalError;
  if (!original || original instanceof GraphQLError) {
    // graphql-js' own errors raised while executing: argument and variable coercion, i.e. the caller's input.
    return {
      message: options.production ? stripSuggestions(error.message) : error.message,
      ...located,
      extensions: { code: GatewayErrorCode.BadUserInput },
    };
  }
  const translated = translateError(original);
  if (translated.internal) options.onInternalError(original);
  return {
    message: translated.message,
    ...located,
    extensions: { code: translated.code, ...translated.details },
  };
}
