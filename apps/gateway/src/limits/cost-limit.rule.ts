import {
  type ASTVisitor,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  getNamedType,
  getNullableType,
  type GraphQLCompositeType,
  type GraphQLError,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
  isCompositeType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  TypeInfo,
  ValidationContext,
  type ValidationRule,
  visit,
} from 'graphql';
import { fragmentsOf, isIntrospectionRoot } from './operation-walker';
import { queryLimitError } from './query-limit.error';

export interface CostLimitOptions {
  readonly maxCost: number;
  /** Items assumed for a list field without a size argument. */
  readonly defaultListSize: number;
  /** Items assumed when the size argument is a variable (validation runs once per query text, before variables). */
  readonly maxListSize: number;
  /** Argument giving a field's page size (connections, lists). */
  readonly sizeArgument?: string;
  /** Per-field list size estimates, keyed `Type.field`. */
  readonly listSizes?: Readonly<Record<string, number>>;
  /** Per-field base costs, keyed `Type.field` (expensive resolvers: aggregations, searches). */
  readonly fieldCosts?: Readonly<Record<string, number>>;
  /**
   * Fields that scan raw rows over a time range, keyed `Type.field`: their cost grows with the days the range
   * covers (see RangeCost). Ranges given as variables are priced once their values are known (preExecution).
   */
  readonly rangeCosts?: Readonly<Record<string, RangeCost>>;
  /** The operation's variable values; absent at validation time (one validation per query text). */
  readonly variables?: Readonly<Record<string, unknown>>;
  /** Clock for open ranges (`since` without `to` runs until now). */
  readonly now?: () => number;
}

/** A field's scan cost: `perDay` for each started day between its `from` and `to` arguments. */
export interface RangeCost {
  readonly from: string;
  /** Argument ending the range; absent = now. */
  readonly to?: string;
  readonly perDay: number;
  /** Days assumed when `from` is absent (the resolver's default range, e.g. today for KPIs). */
  readonly defaultDays: number;
}

/**
 * Estimated cost of an operation: every object a field returns costs 1 plus the cost of its selection; scalars
 * cost 0; expensive fields add a configured base cost. A list field returns its size argument (`first`) or its
 * list size estimate; a connection's `first` sizes its `edges`/`nodes` list.
 */
export function operationCost(
  selectionSet: SelectionSetNode,
  parentType: GraphQLCompositeType,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  options: CostLimitOptions,
  context: ValidationContext,
  visiting: Set<string> = new Set(),
  topLevel = true,
  pageSize?: number,
): number {
  let cost = 0;
  for (const selection of selectionSet.selections) {
    switch (selection.kind) {
      case Kind.FIELD: {
        if (topLevel && isIntrospectionRoot(selection.name.value)) break;
        const field = fieldOf(parentType, selection.name.value);
        if (!field) break; // unknown fields are reported by FieldsOnCorrectTypeRule
        cost += fieldCost(selection, field, parentType, fragments, options, context, visiting, pageSize);
        break;
      }
      case Kind.INLINE_FRAGMENT: {
        const condition = selection.typeCondition
          ? context.getSchema().getType(selection.typeCondition.name.value)
          : parentType;
        if (condition && isCompositeType(condition)) {
          cost += operationCost(
            selection.selectionSet,
            condition,
            fragments,
            options,
            context,
            visiting,
            topLevel,
            pageSize,
          );
        }
        break;
      }
      case Kind.FRAGMENT_SPREAD: {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (!fragment || visiting.has(name)) break;
        const condition = context.getSchema().getType(fragment.typeCondition.name.value);
        if (!condition || !isCompositeType(condition)) break;
        visiting.add(name);
        cost += operationCost(
          fragment.selectionSet,
          condition,
          fragments,
          options,
          context,
          visiting,
          topLevel,
          pageSize,
        );
        visiting.delete(name);
        break;
      }
    }
  }
  return cost;
}

function fieldCost(
  node: FieldNode,
  field: GraphQLField<unknown, unknown>,
  parentType: GraphQLCompositeType,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  options: CostLimitOptions,
  context: ValidationContext,
  visiting: Set<string>,
  pageSize: number | undefined,
): number {
  const key = `${parentType.name}.${field.name}`;
  const named = getNamedType(field.type);
  const extra = (options.fieldCosts?.[key] ?? 0) + rangeCost(node, options.rangeCosts?.[key], options);
  if (!isCompositeType(named)) return extra;
  const isList = isListType(getNullableType(field.type));
  const size = sizeArgument(node, options);
  let items = 1;
  let childPageSize: number | undefined;
  if (isList) {
    const isConnectionList =
      parentType.name.endsWith('Connection') && (field.name === 'edges' || field.name === 'nodes');
    items =
      size ??
      options.listSizes?.[key] ??
      (isConnectionList ? pageSize : undefined) ??
      options.defaultListSize;
  } else if (size !== undefined) {
    childPageSize = size; // a connection: the size applies to its edges
  }
  const children = node.selectionSet
    ? operationCost(node.selectionSet, named, fragments, options, context, visiting, false, childPageSize)
    : 0;
  return extra + items * (1 + children);
}

function sizeArgument(node: FieldNode, options: CostLimitOptions): number | undefined {
  const arg = node.arguments?.find((a) => a.name.value === (options.sizeArgument ?? 'first'));
  if (!arg) return undefined;
  const clamp = (n: number) => Math.min(Math.max(n, 0), options.maxListSize);
  if (arg.value.kind === Kind.INT) return clamp(Number(arg.value.value));
  if (arg.value.kind === Kind.VARIABLE && options.variables) {
    const value = options.variables[arg.value.name.value];
    if (typeof value === 'number' && Number.isFinite(value)) return clamp(value);
    if (value === undefined || value === null) return undefined; // the field's default page size applies
  }
  return options.maxListSize;
}

const DAY_MS = 86_400_000;

/**
 * Days a ranged field covers times its per-day cost. Unknown at validation (a variable): 0 there, and the
 * preExecution check prices it with the value. An unparsable date costs nothing here: the resolver refuses it.
 */
function rangeCost(node: FieldNode, range: RangeCost | undefined, options: CostLimitOptions): number {
  if (!range) return 0;
  const from = dateArgument(node, range.from, options);
  if (from === null) return range.perDay * range.defaultDays;
  const to = range.to ? dateArgument(node, range.to, options) : null;
  const end = to ?? options.now?.() ?? Date.now();
  if (from === undefined || to === undefined || !(end > from)) return 0;
  return range.perDay * Math.ceil((end - from) / DAY_MS);
}

/** A date argument in ms; null when absent, undefined when not known yet (unbound variable) or not a date. */
function dateArgument(node: FieldNode, name: string, options: CostLimitOptions): number | null | undefined {
  const arg = node.arguments?.find((a) => a.name.value === name);
  if (!arg || arg.value.kind === Kind.NULL) return null;
  let raw: unknown;
  if (arg.value.kind === Kind.STRING) raw = arg.value.value;
  else if (arg.value.kind === Kind.VARIABLE) {
    if (!options.variables) return undefined;
    raw = options.variables[arg.value.name.value];
    if (raw === undefined || raw === null) return null;
  } else return undefined;
  const ms = raw instanceof Date ? raw.getTime() : typeof raw === 'string' ? Date.parse(raw) : NaN;
  return Number.isNaN(ms) ? undefined : ms;
}

function fieldOf(type: GraphQLCompositeType, name: string): GraphQLField<unknown, unknown> | undefined {
  if (isObjectType(type) || isInterfaceType(type)) return type.getFields()[name];
  return undefined; // unions only allow __typename and fragments
}

/** The root type of an operation. */
export function rootTypeOf(schema: GraphQLSchema, node: OperationDefinitionNode): GraphQLObjectType | null {
  return (
    (node.operation === 'query'
      ? schema.getQueryType()
      : node.operation === 'mutation'
        ? schema.getMutationType()
        : schema.getSubscriptionType()) ?? null
  );
}

/**
 * The execution-time check: the same estimate with the operation's variables, so page sizes and time ranges given
 * as variables are priced by their values. Returns the error of the most expensive operation above the limit.
 */
export function costLimitError(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Readonly<Record<string, unknown>>,
  options: CostLimitOptions,
): GraphQLError | null {
  const withValues = { ...options, variables };
  let error: GraphQLError | null = null;
  const rule = costLimitRule(withValues);
  // The rule reports through a ValidationContext; a minimal one is enough for the walk.
  const context = new ValidationContext(schema, document, new TypeInfo(schema), (e) => (error ??= e));
  visit(document, rule(context));
  return error;
}

/** Refuses operations whose estimated cost exceeds `maxCost`. */
export function costLimitRule(options: CostLimitOptions): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = fragmentsOf(context.getDocument().definitions);
    return {
      OperationDefinition(node) {
        const root = rootTypeOf(context.getSchema(), node);
        if (!root) return;
        const cost = operationCost(node.selectionSet, root, fragments, options, context);
        if (cost > options.maxCost) {
          context.reportError(
            queryLimitError(
              'cost',
              `query cost ${cost} exceeds the limit of ${options.maxCost}`,
              node,
              options.maxCost,
              cost,
            ),
          );
        }
      },
    };
  };
}
