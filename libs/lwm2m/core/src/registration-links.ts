import { Lwm2mCodecError } from './codec-error';
import { implicitObjectVersion } from './core-object-versions';
import { checkLwm2mAttribute } from './lwm2m-attributes';
import { getAttribute, type Link, type LinkFormatLimits, parseLinkFormat } from './link-format';
import { Lwm2mPath } from './path';

/** An object or object-instance link announced at registration. */
export interface RegisteredObjectLink {
  readonly path: Lwm2mPath;
  /** `ver` of an object link, as announced; undefined when absent. */
  readonly version?: string;
}

export interface RegistrationLinks {
  /** "/" or the alternate path announced with `rt="oma.lwm2m"` (Core 1.1.1 §6.2.1, "Alternate Path"). */
  readonly rootPath: string;
  /** Content formats from the root link's `ct` attribute (LwM2M 1.1+); empty when absent. */
  readonly contentFormats: readonly number[];
  readonly objects: readonly RegisteredObjectLink[];
  /**
   * Version of every object that appears in the payload; without `ver`, the core object's version in the
   * client's enabler release, "1.0" for any other object (Core 1.1.1 §6.2.1.1, §7.2.3).
   */
  readonly objectVersions: ReadonlyMap<number, string>;
}

/**
 * Parses the Register/Update payload (Core 1.1.1 §6.2.1, §6.2.2): `</>;rt="oma.lwm2m";ct=110,</1/0>,</3416>;ver=2.0`.
 * Throws Lwm2mCodecError('invalid-link') with the link index on a malformed link or attribute.
 */
export function parseRegistrationLinks(
  text: string,
  options: { readonly lwm2mVersion?: string; readonly limits?: LinkFormatLimits } = {},
): RegistrationLinks {
  const { limits, lwm2mVersion = '1.0' } = options;
  const links = parseLinkFormat(text, limits);
  let rootPath = '/';
  let contentFormats: number[] = [];
  links.forEach((link, index) => checkAttributes(link, index));
  const rootIndex = links.findIndex((l) =>
    (getAttribute(l, 'rt')?.value ?? '').split(' ').includes('oma.lwm2m'),
  );
  const root = links[rootIndex];
  if (root) {
    rootPath = root.uri.length > 1 && root.uri.endsWith('/') ? root.uri.slice(0, -1) : root.uri;
    if (!rootPath.startsWith('/')) {
      throw new Lwm2mCodecError('invalid-link', `alternate path "${root.uri}" must start with "/"`, {
        record: rootIndex,
      });
    }
    const ct = getAttribute(root, 'ct')?.value;
    if (ct !== undefined) contentFormats = ct.split(' ').map(Number);
  }
  const objects: RegisteredObjectLink[] = [];
  const objectVersions = new Map<number, string>();
  links.forEach((link, index) => {
    if (index === rootIndex) return;
    const local = rootPath === '/' ? link.uri : stripRoot(link.uri, rootPath);
    const path = local === undefined ? undefined : Lwm2mPath.tryParse(local);
    if (!path || (path.level !== 'object' && path.level !== 'instance')) {
      throw new Lwm2mCodecError('invalid-link', `"${link.uri}" is not an object or object instance link`, {
        record: index,
      });
    }
    const version = getAttribute(link, 'ver')?.value;
    if (version !== undefined && path.level !== 'object') {
      throw new Lwm2mCodecError(
        'invalid-link',
        `"ver" is only allowed on an object link, not "${link.uri}"`,
        {
          record: index,
        },
      );
    }
    objects.push(version === undefined ? { path } : { path, version });
    const objectId = path.objectId as number;
    if (version !== undefined) objectVersions.set(objectId, version);
    else if (!objectVersions.has(objectId))
      objectVersions.set(objectId, implicitObjectVersion(objectId, lwm2mVersion));
  });
  return { rootPath, contentFormats, objects, objectVersions };
}

function stripRoot(uri: string, rootPath: string): string | undefined {
  if (uri === rootPath) return '/';
  return uri.startsWith(rootPath + '/') ? uri.slice(rootPath.length) : undefined;
}

function checkAttributes(link: Link, index: number): void {
  for (const a of link.attributes) {
    const problem = checkLwm2mAttribute(a.name, a.value);
    if (problem) throw new Lwm2mCodecError('invalid-link', `${link.uri}: ${problem}`, { record: index });
  }
}
