import { type Lwm2mPath } from '@smartcity/lwm2m-core';

export interface BaseNames {
  /** "/3/0/" when records share a prefix, undefined when they only share the root. */
  readonly baseName?: string;
  /** Per record, the name relative to the base name (never empty). */
  readonly names: string[];
}

/**
 * Factors the longest common path prefix into a base name, as the spec examples do (`"bn":"/3/0/"` with
 * `"n":"0"`, `"n":"6/0"`): SenML RFC 8428 §4.5.1 and LwM2M JSON concatenate bn and n. The prefix stops one level
 * above the shallowest record so that every name stays non-empty.
 */
export function baseNames(paths: readonly Lwm2mPath[]): BaseNames {
  const idLists = paths.map((p) => p.ids());
  if (idLists.length === 0) return { names: [] };
  let prefix = Math.min(...idLists.map((ids) => ids.length)) - 1;
  const first = idLists[0] as number[];
  for (const ids of idLists) {
    let i = 0;
    while (i < prefix && ids[i] === first[i]) i++;
    prefix = i;
  }
  if (prefix === 0) return { names: paths.map(String) };
  return {
    baseName: '/' + first.slice(0, prefix).join('/') + '/',
    names: idLists.map((ids) => ids.slice(prefix).join('/')),
  };
}
