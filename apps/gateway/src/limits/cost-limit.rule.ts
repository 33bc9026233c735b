import {
  type ASTVisitor,
  type FieldNode,
  type FragmentDefinitionNode,
  getNamedType,
  getNullableType,
  type GraphQLCompositeType,
  type GraphQLField,
  isCompositeType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
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
  const extra = options.fieldCosts?.[key] ?? 0;
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
  if (arg.value.kind === Kind.INT) return Math.min(Math.max(Number(arg.value.value), 0), options.maxListSize);
  return options.maxListSize;
}

function fieldOf(type: GraphQLCompositeType, name: string): GraphQLField<unknown, unknown> | undefined {
  if (isObjectType(type) || isInterfaceType(type)) return type.getFields()[name];
  return undefined; // unions only allow __typename and fragments
}

/** Refuses operations whose estimated cost exceeds `maxCost`. */
export function costLimitRule(options: CostLimitOptions): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = fragmentsOf(context.getDocument().definitions);
    return {
      OperationDefinition(node) {
        const schema = context.getSchema();
        const root =
          node.operation === 'query'
            ? schema.getQueryType()
            : node.operation === 'mutation'
              ? schema.getMutationType()
              : schema.getSubscriptionType();
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
