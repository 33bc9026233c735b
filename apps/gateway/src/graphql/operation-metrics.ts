import { type DocumentNode, Kind, type OperationDefinitionNode } from 'graphql';
import { Histogram, type Registry } from 'prom-client';

/** The labels of one operation: its type and its first root field (bounded by the schema, unlike client names). */
export interface OperationLabels {
  readonly type: 'query' | 'mutation' | 'subscription' | 'unknown';
  readonly field: string;
}

/**
 * The operation's first root field by its schema name (aliases are the client's), `introspection` for
 * `__schema`/`__type`/`__typename`, `unknown` when the document has no single operation starting with a field.
 * Operation names are chosen by clients, so they would make the label set unbounded; root fields cannot.
 */
export function operationLabels(document: DocumentNode): OperationLabels {
  const operations = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  const operation = operations.length === 1 ? operations[0] : undefined;
  if (!operation) return { type: 'unknown', field: 'unknown' };
  const first = operation.selectionSet.selections[0];
  const field = first?.kind === Kind.FIELD ? first.name.value : 'unknown';
  return { type: operation.operation, field: field.startsWith('__') ? 'introspection' : field };
}

/**
 * GraphQL execution time per operation type, root field and outcome: from Mercurius' preExecution hook (after
 * parsing, validation and the cost check) to its onResolution hook (the response is ready). The HTTP histogram
 * (`gateway_http_request_duration_seconds`) covers the whole request.
 */
export class OperationMetrics {
  private readonly duration: Histogram<'type' | 'field' | 'outcome'>;
  private readonly started = new WeakMap<object, { at: number; labels: OperationLabels }>();

  constructor(
    registry: Registry,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.duration = new Histogram({
      name: 'gateway_graphql_operation_duration_seconds',
      help: 'GraphQL execution time (after validation) by operation type, first root field and outcome',
      labelNames: ['type', 'field', 'outcome'] as const,
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    });
  }

  /** Called per execution with its request context (one object per request). */
  start(context: object, document: DocumentNode): void {
    this.started.set(context, { at: this.now(), labels: operationLabels(document) });
  }

  /** `errors`: the execution's errors, if any (a partial result with errors counts as `error`). */
  finish(context: object, errors: readonly unknown[] | undefined): void {
    const start = this.started.get(context);
    if (!start) return;
    this.started.delete(context);
    const outcome = errors && errors.length > 0 ? 'error' : 'ok';
    this.duration.observe({ ...start.labels, outcome }, (this.now() - start.at) / 1000);
  }
}
