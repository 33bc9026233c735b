import { PLATFORM_NAMES, type PlatformAcl, platformServiceAcls, type PlatformService } from './platform-acls';

const SERVICES: PlatformService[] = ['coap-ingest', 'decoder', 'gateway'];
const has = (acls: PlatformAcl[], resource: string, name: string, operation: string) =>
  acls.some((a) => a.resource === resource && a.name === name && a.operation === operation);

describe('platformServiceAcls', () => {
  it('lets each service produce and consume only its own side of each platform topic', () => {
    const [ingest, decoder, gateway] = SERVICES.map((s) => platformServiceAcls(s));
    expect(has(ingest!, 'topic', 'lwm2m.uplink.v1', 'write')).toBe(true);
    expect(has(ingest!, 'topic', 'lwm2m.uplink.v1', 'read')).toBe(false);
    expect(has(decoder!, 'topic', 'lwm2m.uplink.v1', 'read')).toBe(true);
    expect(has(decoder!, 'topic', 'lwm2m.uplink.v1', 'write')).toBe(false);
    expect(has(gateway!, 'topic', 'lwm2m.downlink.v1', 'write')).toBe(true);
    expect(has(ingest!, 'topic', 'lwm2m.downlink.v1', 'read')).toBe(true);
    expect(has(decoder!, 'topic', 'lwm2m.downlink.v1', 'write')).toBe(false);
    expect(has(ingest!, 'topic', 'lwm2m.downlink-result.v1', 'write')).toBe(true);
    expect(has(gateway!, 'topic', 'lwm2m.downlink-result.v1', 'read')).toBe(true);
  });

  it('gives no service READ on the cities’ partner topics, and only the gateway anything on the cluster', () => {
    for (const service of SERVICES) {
      const acls = platformServiceAcls(service);
      expect(acls.filter((a) => a.name.startsWith('city.') && a.operation === 'read')).toEqual([]);
      const clusterOps = acls.filter((a) => a.resource === 'cluster').map((a) => a.operation);
      expect(clusterOps).toEqual(service === 'gateway' ? ['alter', 'describe'] : []);
    }
  });

  it('grants literal names except the city prefix, so a renamed deployment gets exactly its own names', () => {
    const names = { ...PLATFORM_NAMES, uplink: 'run-7.uplink', decoderGroup: 'run-7-decoder' };
    const acls = platformServiceAcls('decoder', names);
    expect(has(acls, 'topic', 'run-7.uplink', 'read')).toBe(true);
    expect(has(acls, 'group', 'run-7-decoder', 'read')).toBe(true);
    expect(acls.filter((a) => a.pattern === 'prefixed')).toEqual([
      { resource: 'topic', name: 'city.', pattern: 'prefixed', operation: 'write' },
    ]);
  });
});
