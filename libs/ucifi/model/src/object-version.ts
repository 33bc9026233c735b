/**
 * Object versions are "Major.Minor" (LwM2M Core 1.1.1 §7.2.2, `ver` link attribute; DDF `<ObjectVersion>`).
 * An object without a declared version is version 1.0.
 */
export const DEFAULT_OBJECT_VERSION = '1.0';

const VERSION_PATTERN = /^(\d{1,4})\.(\d{1,4})$/;

/** Parses "2.1" into [2, 1]; undefined when the text is not a Major.Minor version. */
export function parseObjectVersion(text: string): readonly [number, number] | undefined {
  const match = VERSION_PATTERN.exec(text);
  if (!match) return undefined;
  return [Number(match[1]), Number(match[2])];
}

export function isObjectVersion(text: string): boolean {
  return VERSION_PATTERN.test(text);
}

/** Numeric order of two valid versions ("1.10" > "1.9"). Invalid versions sort first. */
export function compareObjectVersions(a: string, b: string): number {
  const x = parseObjectVersion(a);
  const y = parseObjectVersion(b);
  if (!x || !y) return (x ? 1 : 0) - (y ? 1 : 0);
  return x[0] - y[0] || x[1] - y[1];
}
