import { AuthError, AuthErrorCode } from '@smartcity/platform-auth';
import { DbError, DbErrorCode } from '@smartcity/platform-db';
import { GraphQLError } from 'graphql';
import { formatErrors } from './error-formatter';
import { GatewayErrorCode, GatewayException } from './gateway.exception';

function format(errors: GraphQLError[], production = false, data: Record<string, unknown> | null = null) {
  const internal: unknown[] = [];
  const result = formatErrors({ data, errors }, { production, onInternalError: (e) => internal.push(e) });
  return { ...result, internal };
}

const wrap = (original: Error) =>
  new GraphQLError(original.message, { originalError: original, path: ['device'] });

describe('formatErrors', () => {
  it.each([
    [new GatewayException(GatewayErrorCode.NotFound, 'device not found'), 'NOT_FOUND', 'device not found'],
    [GatewayException.forbidden(), 'FORBIDDEN', 'not allowed'],
    [
      new AuthError(AuthErrorCode.TokenExpired, 'jose says: "exp" claim timestamp check failed'),
      'UNAUTHENTICATED',
      'access token expired',
    ],
    [new AuthError(AuthErrorCode.TenantNotMember, 'x'), 'FORBIDDEN', 'not a member of the requested tenant'],
    [
      new AuthError(AuthErrorCode.KeysUnavailable, 'x'),
      'SERVICE_UNAVAILABLE',
      'identity provider unavailable, retry later',
    ],
    [
      Object.assign(new Error('duplicate key value violates unique constraint "devices_endpoint_key"'), {
        code: '23505',
        severity: 'ERROR',
      }),
      'BAD_USER_INPUT',
      'the change conflicts with existing data',
    ],
    [
      Object.assign(new Error('new row violates row-level security policy for table "devices"'), {
        code: '42501',
        severity: 'ERROR',
      }),
      'FORBIDDEN',
      'not allowed',
    ],
    [
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      'SERVICE_UNAVAILABLE',
      'database unavailable, retry later',
    ],
    [new DbError(DbErrorCode.InvalidTenant, 'invalid tenant slug'), 'FORBIDDEN', 'not allowed'],
    [
      Object.assign(new Error('canceling statement due to statement timeout'), {
        code: '57014',
        severity: 'ERROR',
      }),
      'SERVICE_UNAVAILABLE',
      'the query took too long: narrow it (shorter range, fewer items) or retry later',
    ],
    [
      new TypeError("Cannot read properties of undefined (reading 'rows')"),
      'INTERNAL_SERVER_ERROR',
      'internal error',
    ],
  ])('translates %p to %s without leaking internals', (original, code, message) => {
    const { response } = format([wrap(original)]);
    expect(response.errors).toEqual([
      { message, path: ['device'], extensions: expect.objectContaining({ code }) },
    ]);
  });

  it('reports internal failures to the log callback only', () => {
    const boom = new Error('relation "secret_table" does not exist');
    const { response, internal } = format([wrap(boom)]);
    expect(JSON.stringify(response)).not.toContain('secret_table');
    expect(internal).toEqual([boom]);
  });

  it('keeps errors the exception filter already translated', () => {
    const filtered = new GraphQLError('device not found', {
      extensions: { code: 'NOT_FOUND' },
      path: ['device'],
    });
    expect(format([filtered]).response.errors[0]).toMatchObject({
      message: 'device not found',
      extensions: { code: 'NOT_FOUND' },
    });
  });

  it('flattens validation errors into GRAPHQL_VALIDATION_FAILED with status 400', () => {
    const validation = Object.assign(new Error('Graphql validation error'), {
      errors: [
        new GraphQLError('Cannot query field "nme" on type "Device". Did you mean "name"?'),
        new GraphQLError('query depth 12 exceeds the limit of 10', {
          extensions: { code: 'GRAPHQL_VALIDATION_FAILED', limit: 'depth' },
        }),
      ],
    });
    const { statusCode, response } = format([
      new GraphQLError('Graphql validation error', { originalError: validation }),
    ]);
    expect(statusCode).toBe(400);
    expect(response.errors.map((e) => e.extensions?.['code'])).toEqual([
      'GRAPHQL_VALIDATION_FAILED',
      'GRAPHQL_VALIDATION_FAILED',
    ]);
    expect(response.errors[1]!.extensions).toMatchObject({ limit: 'depth' });
  });

  it.each([
    [false, 'Cannot query field "nme" on type "Device". Did you mean "name"?'],
    [true, 'Cannot query field "nme" on type "Device".'],
  ])('production=%s controls field suggestions', (production, expected) => {
    const validation = Object.assign(new Error('v'), {
      errors: [new GraphQLError('Cannot query field "nme" on type "Device". Did you mean "name"?')],
    });
    expect(
      format([new GraphQLError('v', { originalError: validation })], production).response.errors[0]!.message,
    ).toBe(expected);
  });

  it('keeps the 413 of a body fastify refused as too large, as PAYLOAD_TOO_LARGE', () => {
    const tooLarge = Object.assign(new Error('Request body is too large'), {
      code: 'FST_ERR_CTP_BODY_TOO_LARGE',
      statusCode: 413,
    });
    const { statusCode, response, internal } = format([
      new GraphQLError(tooLarge.message, { originalError: tooLarge }),
    ]);
    expect(statusCode).toBe(413);
    expect(response.errors).toEqual([
      { message: 'request body too large', extensions: { code: 'PAYLOAD_TOO_LARGE' } },
    ]);
    expect(internal).toEqual([]);
  });

  it('classifies graphql input coercion errors as BAD_USER_INPUT', () => {
    const coercion = new GraphQLError(
      'Variable "$first" got invalid value "x"; Int cannot represent non-integer value: "x"',
    );
    expect(format([coercion]).response.errors[0]!.extensions).toEqual({ code: 'BAD_USER_INPUT' });
  });
});
