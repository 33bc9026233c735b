import {
  CoapCode,
  CoapOption,
  CoapType,
  type DatagramListener,
  type DatagramTransport,
  decodeUint,
  getOption,
  parseCoapMessage,
  type Peer,
  serializeCoapMessage,
} from '@smartcity/coap';
import { ContentFormat } from '@smartcity/lwm2m-codec';
import { defaultPayloadCodec, Lwm2mClient, type PayloadCodec } from '@smartcity/lwm2m-client';
import { type Lwm2mRecord, Lwm2mPath, type ModelProvider, type ObjectModel } from '@smartcity/lwm2m-core';
import { SeededRandom } from '../random/seeded-random';
import { cityProfile } from './city-profile';
import { createDevice, type ModelSource, type SimulatedDevice } from './device-factory';
import { type VendorProfile, VENDOR_PROFILES } from './vendor-profiles';

/**
 * Firmware defects of the interoperability lab's deliberately non-conforming devices (issue 23). Each is the kind a
 * city meets in a tender, and each must make exactly one conformance case fail:
 * - `wrong-content-format`: announces SenML CBOR (ct=112) but answers a request for it (Accept 112) with SenML JSON
 *   bytes under Content-Format 112 (Core 1.1.1 §7.4: the payload must be in the format named) -> case 207;
 * - `missing-mandatory-resource`: never reports the mandatory 3416 resource 3 "Dimming level" -> case 501/3416;
 * - `wrong-type`: reports 3416/3 "Dimming level" (integer in the DDF) as a string, SenML `vs` -> case 502/3416;
 * - `no-observe-cancel`: refuses the cancellation of an observation by GET with Observe=1 (RFC 7641 §3.6,
 *   Core 1.1.1 §6.4.3) with 4.05 and keeps notifying -> case 302.
 */
export type FirmwareQuirk =
  'wrong-content-format' | 'missing-mandatory-resource' | 'wrong-type' | 'no-observe-cancel';

export interface ConformanceProfile extends VendorProfile {
  /** Null: a conforming product. */
  readonly quirk: FirmwareQuirk | null;
  /** The conformance case its defect fails (null: none should fail). */
  readonly expectedFailure: string | null;
}

const LAMP = 3416;
const DIMMING_LEVEL = 3;
const conforming = VENDOR_PROFILES.streetlight[0] as VendorProfile;

const defective = (model: string, quirk: FirmwareQuirk, expectedFailure: string): ConformanceProfile => ({
  vendor: 'Cheaplux',
  model,
  firmware: '0.9.0',
  objects: conforming.objects,
  weight: 0,
  quirk,
  expectedFailure,
});

/** The lab's streetlight controllers: one conforming product (the fleet's Lumicity LC-700) and four defective ones. */
export const CONFORMANCE_PROFILES: readonly ConformanceProfile[] = [
  { ...conforming, quirk: null, expectedFailure: null },
  defective('CX-CF', 'wrong-content-format', '207'),
  defective('CX-MR', 'missing-mandatory-resource', `501/${LAMP}`),
  defective('CX-WT', 'wrong-type', `502/${LAMP}`),
  defective('CX-OC', 'no-observe-cancel', '302'),
];

export function conformanceProfile(quirk: FirmwareQuirk | null): ConformanceProfile {
  const p = CONFORMANCE_PROFILES.find((x) => x.quirk === quirk);
  if (!p) throw new Error(`no conformance profile with quirk ${quirk}`);
  return p;
}

const isDimmingLevel = (r: Lwm2mRecord): boolean =>
  r.path.objectId === LAMP && r.path.resourceId === DIMMING_LEVEL;

/** The payload codec of a device with a codec-level defect (the others use the default codec). */
export function quirkCodec(quirk: FirmwareQuirk | null): PayloadCodec {
  const codec = defaultPayloadCodec();
  switch (quirk) {
    case 'wrong-content-format':
      return {
        ...codec,
        encode: (records, cf, path, models) =>
          codec.encode(
            records,
            cf === ContentFormat.SENML_CBOR ? ContentFormat.SENML_JSON : cf,
            path,
            models,
          ),
      };
    case 'missing-mandatory-resource':
      return {
        ...codec,
        encode: (records, cf, path, models) =>
          codec.encode(
            records.filter((r) => !isDimmingLevel(r)),
            cf,
            path,
            models,
          ),
      };
    case 'wrong-type':
      return {
        ...codec,
        encode: (records, cf, path, models) =>
          codec.encode(
            records.map((r) =>
              isDimmingLevel(r) ? { ...r, type: 'string' as const, value: String(r.value) } : r,
            ),
            cf,
            path,
            stringDimmingLevel(models),
          ),
      };
    case 'no-observe-cancel':
    case null:
      return codec;
  }
}

/** The models as the defective firmware believes them: 3416/3 a string. */
function stringDimmingLevel(models: ModelProvider): ModelProvider {
  return {
    getObjectModel: (id) => {
      const m = models.getObjectModel(id);
      if (!m || id !== LAMP) return m;
      const resources = new Map(m.resources);
      const r = resources.get(DIMMING_LEVEL);
      if (r) resources.set(DIMMING_LEVEL, { ...r, type: 'string' });
      return { ...m, resources } as ObjectModel;
    },
  };
}

/**
 * The transport of a device with a transport-level defect: `no-observe-cancel` answers every GET carrying
 * Observe=1 itself with a piggybacked 4.05 (RFC 7252 §5.2.1) and never hands it to the client, so the
 * observation stays and keeps notifying.
 */
export function quirkTransport(quirk: FirmwareQuirk | null, inner: DatagramTransport): DatagramTransport {
  if (quirk !== 'no-observe-cancel') return inner;
  return {
    scheme: inner.scheme,
    start: (onDatagram: DatagramListener) =>
      inner.start((data, peer) => {
        if (refuseCancel(data, peer, inner)) return;
        onDatagram(data, peer);
      }),
    send: (data: Buffer, peer: Peer) => inner.send(data, peer),
    close: () => inner.close(),
    localAddress: () => inner.localAddress(),
  };
}

function refuseCancel(data: Buffer, peer: Peer, transport: DatagramTransport): boolean {
  let message;
  try {
    message = parseCoapMessage(data);
  } catch {
    return false;
  }
  if (message.code !== CoapCode.GET || decodeUint(getOption(message, CoapOption.Observe)) !== 1) return false;
  transport.send(
    serializeCoapMessage({
      type: message.type === CoapType.Confirmable ? CoapType.Acknowledgement : CoapType.NonConfirmable,
      code: CoapCode.MethodNotAllowed,
      messageId: message.messageId,
      token: message.token,
      options: [],
      payload: Buffer.alloc(0),
    }),
    peer,
  );
  return true;
}

export interface LabDeviceOptions {
  readonly endpoint: string;
  readonly server: Peer;
  readonly transport: DatagramTransport;
  readonly models: ModelSource;
  readonly tenant?: string;
  readonly lifetime?: number;
}

/**
 * A streetlight controller of a lab profile: the simulator's device (its objects, values and behaviour at the
 * current time) on an LwM2M client with the profile's firmware defect. Execute /1/0/8 (Registration Update
 * Trigger, Core 1.1.1 §E.2) sends an Update. Not registered yet: call `client.register()`.
 */
export function labDevice(
  profile: ConformanceProfile,
  o: LabDeviceOptions,
): { client: Lwm2mClient; device: SimulatedDevice } {
  const lifetime = o.lifetime ?? 300;
  const device = createDevice(
    { endpoint: o.endpoint, type: 'streetlight', vendor: profile, index: 0 },
    o.models,
    new SeededRandom(o.endpoint),
    cityProfile(o.tenant ?? 'lyon'),
    Date.now(),
    lifetime,
  );
  const client = new Lwm2mClient({
    endpoint: o.endpoint,
    server: o.server,
    tree: device.tree,
    transport: quirkTransport(profile.quirk, o.transport),
    codec: quirkCodec(profile.quirk),
    // The mislabelling firmware answers in SenML JSON unless SenML CBOR is asked for by Accept: its defect shows
    // only on the Read in SenML CBOR, not on every default-format Read.
    ...(profile.quirk === 'wrong-content-format' ? { preferredFormat: ContentFormat.SENML_JSON } : {}),
    lifetime,
  });
  device.tree.onExecute(1, 8, () => void client.update().catch(() => undefined));
  // A new Lifetime is announced with an Update (Core 1.1.1 §6.2.2). The client keeps the lifetime it was built
  // with, so that Update carries no lt (conformance case 102 reports it).
  device.tree.onWrite((path) => {
    if (path.toString() === '/1/0/1') void client.update().catch(() => undefined);
  });
  // Disable (Core 1.1.1 §E.2 resource 4): de-register, stay away for the Disable Timeout (/1/0/5, default one
  // day), register again; after the response to the Execute has left.
  device.tree.onExecute(1, 4, () => {
    const timeout = device.tree.get(new Lwm2mPath(1, 0, 5));
    setTimeout(() => {
      void client
        .deregister()
        .catch(() => undefined)
        .then(
          () => new Promise((r) => setTimeout(r, (typeof timeout === 'number' ? timeout : 86_400) * 1000)),
        )
        .then(() => client.register())
        .catch(() => undefined);
    }, 100);
  });
  return { client, device };
}
