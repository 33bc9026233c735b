import { Catch, Inject } from '@nestjs/common';
import { type GqlExceptionFilter } from '@nestjs/graphql';
import { type Logger } from '@smartcity/platform-observability';
import { GraphQLError } from 'graphql';
import { GATEWAY_LOGGER } from '../gateway.tokens';
import { translateError } from './error-translation';

/**
 * Translates whatever a resolver throws into a GraphQL error carrying one of the gateway's codes. Internal failures
 * are logged with their cause here; the client gets a generic message.
 */
@Catch()
export class GatewayExceptionFilter implements GqlExceptionFilter {
  private readonly logger: Logger;

  constructor(@Inject(GATEWAY_LOGGER) logger: Logger) {
    this.logger = logger.child({ context: 'GatewayExceptionFilter' });
  }

  catch(exception: unknown): GraphQLError {
    const translated = translateError(exception);
    if (translated.internal) this.logger.error({ err: exception, code: translated.code }, 'resolver failed');
    return new GraphQLError(translated.message, {
      extensions: { code: translated.code, ...translated.details },
    });
  }
}
