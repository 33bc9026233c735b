import { type FragmentDefinitionNode, Kind, type SelectionSetNode } from 'graphql';

/** Introspection roots are exempt from the limits: when introspection is off, a separate rule refuses them. */
export function isIntrospectionRoot(name: string): boolean {
  return name === '__schema' || name === '__type';
}

/**
 * Maximum nesting depth of a selection set, following fragment spreads (a spread adds no level of its own).
 * Fragment cycles are refused by the standard `NoFragmentCyclesRule`; `visiting` only keeps this walk finite.
 */
export function selectionDepth(
  selectionSet: SelectionSetNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  visiting: Set<string> = new Set(),
  topLevel = true,
): number {
  let max = 0;
  for (const selection of selectionSet.selections) {
    let depth = 0;
    switch (selection.kind) {
      case Kind.FIELD:
        if (topLevel && isIntrospectionRoot(selection.name.value)) continue;
        depth =
          1 +
          (selection.selectionSet ? selectionDepth(selection.selectionSet, fragments, visiting, false) : 0);
        break;
      case Kind.INLINE_FRAGMENT:
        depth = selectionDepth(selection.selectionSet, fragments, visiting, topLevel);
        break;
      case Kind.FRAGMENT_SPREAD: {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (!fragment || visiting.has(name)) continue;
        visiting.add(name);
        depth = selectionDepth(fragment.selectionSet, fragments, visiting, topLevel);
        visiting.delete(name);
        break;
      }
    }
    if (depth > max) max = depth;
  }
  return max;
}

/**
 * Number of aliased fields an operation would execute: aliases inside a fragment count once per spread, because
 * each spread executes them again (the alias-amplification attack: `a1: expensive a2: expensive ...`).
 */
export function aliasCount(
  selectionSet: SelectionSetNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  visiting: Set<string> = new Set(),
): number {
  let count = 0;
  for (const selection of selectionSet.selections) {
    switch (selection.kind) {
      case Kind.FIELD:
        if (selection.alias) count++;
        if (selection.selectionSet) count += aliasCount(selection.selectionSet, fragments, visiting);
        break;
      case Kind.INLINE_FRAGMENT:
        count += aliasCount(selection.selectionSet, fragments, visiting);
        break;
      case Kind.FRAGMENT_SPREAD: {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (!fragment || visiting.has(name)) continue;
        visiting.add(name);
        count += aliasCount(fragment.selectionSet, fragments, visiting);
        visiting.delete(name);
        break;
      }
    }
  }
  return count;
}

export function fragmentsOf(definitions: readonly { kind: Kind }[]): Map<string, FragmentDefinitionNode> {
  const map = new Map<string, FragmentDefinitionNode>();
  for (const def of definitions) {
    if (def.kind === Kind.FRAGMENT_DEFINITION) {
      const fragment = def as FragmentDefinitionNode;
      map.set(fragment.name.value, fragment);
    }
  }
  return map;
}
