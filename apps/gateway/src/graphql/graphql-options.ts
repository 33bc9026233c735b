import { type MercuriusDriverConfig } from '@nestjs/mercurius';
import { type Authenticator, type Principal, TENANT_HEADER } from '@smartcity/platform-auth';
import { type Logger } from '@smartcity/platform-observability';
import {
  type DocumentNode,
  GraphQLError,
  type GraphQLSchema,
  NoSchemaIntrospectionCustomRule,
  specifiedRules,
  validate,
  type ValidationRule,
} from 'graphql';
import { type Counter } from 'prom-client';
import { type GatewayConfig, introspectionEnabled, isProduction } from '../config/gateway.config';
import { formatErrors } from '../errors/error-formatter';
import { GatewayErrorCode } from '../errors/gateway.exception';
import {
  aliasLimitRule,
  costLimitError,
  type CostLimitOptions,
  costLimitRule,
  depthLimitRule,
} from '../limits';
import { SCHEMA_BUILD_OPTIONS } from '../schema/schema-options';
import { createGatewayContext } from './gateway-context';
import { type LoaderDeps } from './request-loaders';
import { type LiveConnections } from '../live/live-connections';
import { type OperationMetrics } from './operation-metrics';

export interface GraphqlDeps {
  readonly config: GatewayConfig;
  readonly logger: Logger;
  readonly authenticator: Authenticator;
  readonly loaderDeps: LoaderDeps;
  readonly errorsByCode: Counter<'code'>;
  /** Execution time per operation type and root field. */
  readonly operations: OperationMetrics;
  readonly liveConnections: LiveConnections;
  /** Counts one operation against the tenant's API calls per day (QUOTA_EXCEEDED beyond). */
  readonly countApiCall: (tenant: string) => Promise<void>;
}

/** The cost model of the API (validation with literals, preExecution with the variables' values). */
export function costOptions(config: GatewayConfig): CostLimitOptions {
  return {
    maxCost: config.GRAPHQL_MAX_COST,
    defaultListSize: 10,
    maxListSize: config.GRAPHQL_MAX_PAGE_SIZE,
    // Database-heavy fields cost more than an object: a time_bucket scan, a KPI aggregation.
    fieldCosts: { 'Query.telemetry': 50, 'Query.kpis': 50 },
    // Raw scans grow with their range: one device's history per day, a whole city's counters per day for KPIs
    // (issue 17: 30 aliases of 1970-2100 passed a flat cost).
    rangeCosts: {
      'Query.telemetry': {
        from: 'from',
        to: 'to',
        perDay: config.GRAPHQL_COST_TELEMETRY_PER_DAY,
        defaultDays: 1,
      },
      'Query.kpis': { from: 'since', perDay: config.GRAPHQL_COST_KPIS_PER_DAY, defaultDays: 1 },
    },
    listSizes: { 'TelemetrySeries.points': 1, 'Device.state': 10, 'ObjectInstanceState.resources': 10 },
  };
}

/** Query limits and, in production, no introspection (issue 8 "API safety"). */
export function validationRules(config: GatewayConfig): ValidationRule[] {
  return [
    depthLimitRule(config.GRAPHQL_MAX_DEPTH),
    aliasLimitRule(config.GRAPHQL_MAX_ALIASES),
    costLimitRule(costOptions(config)),
    ...(introspectionEnabled(config) ? [] : [NoSchemaIntrospectionCustomRule]),
  ];
}

/**
 * Mercurius does not validate subscription documents at all (only its own depth check), so the same rules run in
 * the preSubscriptionExecution hook: a subscription cannot bypass the limits or reach unknown fields.
 */
export function subscriptionValidator(rules: readonly ValidationRule[]) {
  return (schema: GraphQLSchema, document: DocumentNode): void => {
    const errors = validate(schema, document, [...specifiedRules, ...rules]);
    const first = errors[0];
    if (first) {
      throw new GraphQLError(first.message, {
        extensions: {
          ...first.extensions,
          code: first.extensions['code'] ?? GatewayErrorCode.ValidationFailed,
        },
      });
    }
  };
}

export function buildGraphqlOptions(deps: GraphqlDeps): Omit<MercuriusDriverConfig, 'driver'> {
  const { config, logger, authenticator, loaderDeps } = deps;
  const production = isProduction(config);
  const rules = validationRules(config);
  const cost = costOptions(config);
  const errorLogger = logger.child({ context: 'GraphQL' });
  return {
    path: '/graphql',
    autoSchemaFile: true,
    sortSchema: true,
    graphiql: !production,
    // Guards and filters also on @ResolveField handlers: authorization on every field, not only the root query.
    fieldResolverEnhancers: ['guards', 'filters'],
    buildSchemaOptions: SCHEMA_BUILD_OPTIONS,
    validationRules: rules,
    allowBatchedQueries: false,
    // The parser stops at this many tokens: a huge document costs no validation or planning work (issue 17).
    graphql: { parseOptions: { maxTokens: config.GRAPHQL_MAX_TOKENS } },
    // Compile hot queries with graphql-jit after a few executions (the latest-state query is the hot path).
    jit: 5,
    errorFormatter: (execution) => {
      const result = formatErrors(execution, {
        production,
        onInternalError: (err) => errorLogger.error({ err }, 'request failed'),
      });
      for (const e of result.response.errors) deps.errorsByCode.inc({ code: String(e.extensions?.['code']) });
      return result;
    },
    context: async (request: { headers: Record<string, string | string[] | undefined> }) => {
      const header = (name: string) => {
        const value = request.headers[name];
        return Array.isArray(value) ? value[0] : value;
      };
      try {
        const principal = await authenticator.authenticate(header('authorization'), header(TENANT_HEADER));
        return createGatewayContext(loaderDeps, { principal });
      } catch (authError) {
        return createGatewayContext(loaderDeps, { authError });
      }
    },
    subscription: {
      keepAlive: 15_000,
      // Authentication happens in the context function, which gets the socket: LiveConnections ties the identity
      // to it (expiry, refresh, limits). A connection with bad credentials is acked, every subscribe gets
      // UNAUTHENTICATED, and it is closed 4401 at the init timeout.
      context: async (socket: object) =>
        createGatewayContext(loaderDeps, await deps.liveConnections.contextFor(socket), { cache: false }),
      onConnect: () => true,
    },
    hooks: {
      // Validation is cached per query text, before variables: ranges and page sizes given as variables are
      // priced here, per execution, with their values.
      preExecution: async (
        schema: GraphQLSchema,
        document: DocumentNode,
        context: object,
        variables: Record<string, unknown> | undefined,
      ) => {
        const error = costLimitError(schema, document, variables ?? {}, cost);
        if (error) throw error;
        deps.operations.start(context, document);
        // Metered and limited per tenant and UTC day: the operations that act on a tenant's data.
        const tenant = (context as { principal?: Principal }).principal?.tenant;
        if (tenant) await deps.countApiCall(tenant);
      },
      onResolution: async (execution: { errors?: readonly unknown[] }, context: object) => {
        deps.operations.finish(context, execution.errors);
      },
      preSubscriptionExecution: async (schema: GraphQLSchema, document: DocumentNode) => {
        subscriptionValidator(rules)(schema, document);
      },
    },
  };
}
