import { type ModelProvider, parseRegistrationLinks } from '@smartcity/lwm2m-core';
import { type DeclaredObject, type DeviceUnderTest } from './model';

/** The registration fields a conformance run needs (the server's registration record, Core 1.1.1 §6.2.1). */
export interface RegistrationSnapshot {
  readonly endpoint: string;
  readonly lwm2mVersion: string;
  readonly binding: string;
  readonly lifetime: number;
  readonly queueMode: boolean;
  /** The link-format payload of the last Register/Update with links. */
  readonly links: string;
}

/**
 * Builds the device under test from its registration: objects, instances and versions from the object links,
 * content formats from the root link's `ct` (LwM2M 1.1+, Core 1.1.1 §6.2.1). `modelsFor` returns the models of
 * the announced object versions.
 */
export function deviceUnderTest(
  registration: RegistrationSnapshot,
  modelsFor: (objectVersions: ReadonlyMap<number, string>) => ModelProvider,
): DeviceUnderTest {
  const links = parseRegistrationLinks(registration.links, { lwm2mVersion: registration.lwm2mVersion });
  const instances = new Map<number, number[]>();
  for (const o of links.objects) {
    const id = o.path.objectId as number;
    const list = instances.get(id) ?? [];
    if (o.path.instanceId !== undefined) list.push(o.path.instanceId);
    instances.set(id, list);
  }
  const objects: DeclaredObject[] = [...instances.entries()]
    .sort(([a], [b]) => a - b)
    .map(([id, list]) => ({
      id,
      version: links.objectVersions.get(id) ?? '1.0',
      instances: [...new Set(list)].sort((a, b) => a - b),
    }));
  return {
    endpoint: registration.endpoint,
    lwm2mVersion: registration.lwm2mVersion,
    binding: registration.binding,
    lifetime: registration.lifetime,
    queueMode: registration.queueMode,
    contentFormats: links.contentFormats,
    objects,
    models: modelsFor(links.objectVersions),
  };
}

export function declared(d: DeviceUnderTest, objectId: number): DeclaredObject | undefined {
  return d.objects.find((o) => o.id === objectId);
}

/** LwM2M 1.1 and later (composite operations, SenML, LwM2M CBOR: Core 1.1.1 §6.3.8, §7.4). */
export function isLwm2m11(d: DeviceUnderTest): boolean {
  return d.lwm2mVersion !== '1.0';
}
