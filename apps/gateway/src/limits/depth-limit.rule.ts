import { type ASTVisitor, type ValidationContext, type ValidationRule } from 'graphql';
import { fragmentsOf, selectionDepth } from './operation-walker';
import { queryLimitError } from './query-limit.error';

/** Refuses operations nested deeper than `maxDepth` fields (root fields are depth 1). */
export function depthLimitRule(maxDepth: number): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = fragmentsOf(context.getDocument().definitions);
    return {
      OperationDefinition(node) {
        const depth = selectionDepth(node.selectionSet, fragments);
        if (depth > maxDepth) {
          context.reportError(
            queryLimitError(
              'depth',
              `query depth ${depth} exceeds the limit of ${maxDepth}`,
              node,
              maxDepth,
              depth,
            ),
          );
        }
      },
    };
  };
}
