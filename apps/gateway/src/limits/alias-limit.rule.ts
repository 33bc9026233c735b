import { type ASTVisitor, type ValidationContext, type ValidationRule } from 'graphql';
import { aliasCount, fragmentsOf } from './operation-walker';
import { queryLimitError } from './query-limit.error';

/** Refuses operations with more than `maxAliases` aliased fields (counted per executed spread). */
export function aliasLimitRule(maxAliases: number): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = fragmentsOf(context.getDocument().definitions);
    return {
      OperationDefinition(node) {
        const count = aliasCount(node.selectionSet, fragments);
        if (count > maxAliases) {
          context.reportError(
            queryLimitError(
              'aliases',
              `${count} aliases exceed the limit of ${maxAliases}`,
              node,
              maxAliases,
              count,
            ),
          );
        }
      },
    };
  };
}
