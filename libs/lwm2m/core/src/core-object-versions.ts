/**
 * Versions of the core objects in each LwM2M enabler release (Core 1.1.1 Appendix E; Core 1.2.1 Appendix E):
 * Security 0, Server 1, Access Control 2, Device 3, Connectivity Monitoring 4, Firmware Update 5, Location 6,
 * Connectivity Statistics 7. Core §7.2.3: a client omits `ver` for a core object in its enabler's version, so a
 * missing `ver` means this version, not 1.0 (Leshan fixed the same mistake, eclipse-leshan/leshan#1434).
 */
const CORE_OBJECT_VERSIONS: Readonly<Record<string, Readonly<Record<number, string>>>> = {
  '1.0': {},
  '1.1': { 0: '1.1', 1: '1.1', 2: '1.0', 3: '1.1', 4: '1.2', 5: '1.0', 6: '1.0', 7: '1.0' },
  '1.2': { 0: '1.2', 1: '1.2', 2: '1.1', 3: '1.2', 4: '1.3', 5: '1.1', 6: '1.0', 7: '1.0' },
};

/** The version of an object announced without `ver` by a client of this LwM2M version. */
export function implicitObjectVersion(objectId: number, lwm2mVersion: string): string {
  return CORE_OBJECT_VERSIONS[lwm2mVersion]?.[objectId] ?? '1.0';
}
