import { GraphQLError, type ASTNode } from 'graphql';

export type QueryLimit = 'depth' | 'aliases' | 'cost';

/** A validation error of a query limit; the code and limit reach the client in `extensions`. */
export function queryLimitError(
  limit: QueryLimit,
  message: string,
  node: ASTNode,
  max: number,
  actual: number,
) {
  return new GraphQLError(message, {
    nodes: [node],
    extensions: { code: 'GRAPHQL_VALIDATION_FAILED', limit, max, actual },
  });
}
