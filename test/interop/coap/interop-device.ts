import { udpPeer } from '@smartcity/coap';
import { Lwm2mClient, ObjectTree } from '@smartcity/lwm2m-client';
import { type ObjectModel, objectModel } from '@smartcity/lwm2m-core';
import { loadBundledRegistry } from '@smartcity/ucifi-model';
import { largeBody, largeText } from './coap-peers';
import { RecordingTransport } from './recording-transport';

/** A vendor-specific object (the 26241-32768 range) with one readable and writable opaque resource. */
export const BLOB_OBJECT = 26241;
const BLOB_MODEL = objectModel(BLOB_OBJECT, 'Interop blob', '1.0', false, [
  [0, 'Data', 'RW', false, true, 'opaque'],
]);

const registry = loadBundledRegistry();
function model(id: number, version: string): ObjectModel {
  const m = registry.get(id, version);
  if (!m) throw new Error(`no bundled model ${id} v${version}`);
  return m;
}

export interface InteropDevice {
  readonly client: Lwm2mClient;
  readonly tree: ObjectTree;
  /** Every datagram the client sent and received. */
  readonly transport: RecordingTransport;
  readonly port: number;
  /** /3/0/0 Manufacturer, a string of LARGE_SIZE UTF-8 bytes (text/plain on Read). */
  readonly manufacturer: Buffer;
  /** /26241/0/0, LARGE_SIZE opaque bytes (application/octet-stream on Read). */
  readonly blob: Buffer;
}

/**
 * Our LwM2M client as the server role of CoAP: it answers any peer's Read/Observe (Core 1.1.1 §6.3, §6.4) on its
 * own socket, the peers acting as an LwM2M server would. It registers with the stub registration interface of a
 * PlainCoapServer at `registrarPort` (it sends notifications only while registered).
 */
export async function startInteropDevice(registrarPort: number): Promise<InteropDevice> {
  const text = largeText();
  const blob = largeBody();
  const tree = new ObjectTree()
    .addObject(model(1, '1.1'))
    .addObject(model(3, '1.1'))
    .addObject(BLOB_MODEL)
    .addInstance(1, 0, { 0: 1, 1: 300, 6: false, 7: 'U' })
    .addInstance(3, 0, { 0: text, 1: 'SL-2000', 9: 50, 11: new Map([[0, 0]]), 16: 'U' })
    .addInstance(BLOB_OBJECT, 0, { 0: new Uint8Array(blob) });
  const transport = new RecordingTransport();
  const client = new Lwm2mClient({
    endpoint: `interop-${Math.random().toString(36).slice(2, 10)}`,
    server: udpPeer('127.0.0.1', registrarPort),
    tree,
    transport,
  });
  await client.register();
  return { client, tree, transport, port: client.localPort, manufacturer: Buffer.from(text, 'utf8'), blob };
}
