import { implicitObjectVersion, type Link, serializeLinkFormat } from '@smartcity/lwm2m-core';
import { type ObjectTree } from '../tree/object-tree';

/** Objects never announced at registration: Security (0) and OSCORE (21) (Core 1.1.1 §6.2.1). */
const HIDDEN_OBJECTS = new Set([0, 21]);

/**
 * The Register/Update payload (Core 1.1.1 §6.2.1): `</>;rt="oma.lwm2m";ct=...` (1.1 only), then each object
 * with its `ver` when it is not the version a server assumes without one (1.0, or a core object's version in the
 * client's enabler release, §7.2.3), then its instances: `</3416>;ver=2.0,</3416/0>,</3/0>`.
 */
export function registrationLinks(
  tree: ObjectTree,
  lwm2mVersion: string,
  contentFormats: readonly number[],
): string {
  const links: Link[] = [];
  if (lwm2mVersion !== '1.0' && contentFormats.length) {
    links.push({
      uri: '/',
      attributes: [
        { name: 'rt', value: 'oma.lwm2m', quoted: true },
        { name: 'ct', value: contentFormats.join(' '), quoted: contentFormats.length > 1 },
      ],
    });
  }
  for (const objectId of tree.objectIds()) {
    if (HIDDEN_OBJECTS.has(objectId)) continue;
    const version = tree.getObjectModel(objectId)?.version ?? '1.0';
    const explicit = version !== implicitObjectVersion(objectId, lwm2mVersion);
    const instances = tree.instanceIds(objectId);
    if (explicit || instances.length === 0) {
      links.push({ uri: `/${objectId}`, attributes: explicit ? [{ name: 'ver', value: version }] : [] });
    }
    for (const iid of instances) links.push({ uri: `/${objectId}/${iid}`, attributes: [] });
  }
  return serializeLinkFormat(links);
}
