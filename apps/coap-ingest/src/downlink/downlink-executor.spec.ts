import { type CoapEndpoint, udpPeer } from '@smartcity/coap';
import {
  type DownlinkOperation,
  type DownlinkRequest,
  type DownlinkResult,
} from '@smartcity/platform-contracts';
import { createLogger } from '@smartcity/platform-observability';
import {
  type DeviceContact,
  LocalRegistrations,
  type OwnedRegistration,
} from '../registration/local-registrations';
import { type Registration } from '@smartcity/lwm2m-server';
import { type DeviceRequestService } from './device-request.service';
import { DownlinkExecutor } from './downlink-executor';
import { type DownlinkQueue } from './downlink-queue';

const logger = createLogger({ app: 'test', level: 'silent' });

function registration(endpoint: string, queueMode = false): Registration {
  return {
    id: `reg-${endpoint}`,
    endpoint,
    tenant: 'lyon',
    deviceId: '00000000-0000-4000-8000-000000000001',
    lwm2mVersion: '1.1',
    lifetime: 300,
    binding: 'U',
    queueMode,
    links: '</3416/0>',
    rootPath: '/',
    objectVersions: {},
    peerAddress: '127.0.0.1',
    peerPort: 40000,
    owner: 'me',
    registeredAt: 0,
    updatedAt: 0,
    expiresAt: Date.now() + 60_000,
  };
}

function request(id: string, endpoint: string, deadline = Date.now() + 10_000): DownlinkRequest {
  return {
    v: 1,
    id,
    tenant: 'lyon',
    endpoint,
    operation: { op: 'read', path: '/3416/0/3' },
    issuedAt: Date.now(),
    deadline,
  };
}

/** An in-memory queue with the semantics of the Redis scripts (FIFO per endpoint, head requeue). */
class MemoryQueue {
  readonly queues = new Map<string, DownlinkRequest[]>();
  enqueue(r: DownlinkRequest): void {
    this.queues.set(r.endpoint, [...(this.queues.get(r.endpoint) ?? []), r]);
  }
  async takeNext(endpoint: string): Promise<DownlinkRequest | undefined> {
    return this.queues.get(endpoint)?.shift();
  }
  async requeueHead(r: DownlinkRequest): Promise<void> {
    this.queues.set(r.endpoint, [r, ...(this.queues.get(r.endpoint) ?? [])]);
  }
}

/** No device is reached in these tests: the request service is replaced. */
function contactOf(r: Registration): DeviceContact {
  return { peer: udpPeer(r.peerAddress, r.peerPort), via: {} as CoapEndpoint };
}

function setup(options: { awake?: (o: OwnedRegistration) => boolean } = {}) {
  const queue = new MemoryQueue();
  const local = new LocalRegistrations();
  const results: DownlinkResult[] = [];
  const executed: { endpoint: string; op: DownlinkOperation }[] = [];
  const requests = {
    isAwake: options.awake ?? (() => true),
    execute: async (endpoint: string, op: DownlinkOperation) => {
      executed.push({ endpoint, op });
      await new Promise((r) => setTimeout(r, 5));
      return { status: 'completed' as const, coapCode: '2.05' };
    },
  };
  const executor = new DownlinkExecutor(
    queue as unknown as DownlinkQueue,
    local,
    requests as unknown as DeviceRequestService,
    { publish: async (r) => void results.push(r) },
    logger,
    { instanceId: 'me', responseTimeoutMs: 1000, awakePollMs: 10 },
  );
  const idle = async () => {
    while (executor.activeEndpoints > 0) await new Promise((r) => setTimeout(r, 5));
  };
  return { queue, local, results, executed, executor, idle };
}

describe('DownlinkExecutor', () => {
  it("runs an endpoint's requests one at a time, oldest first, publishing SENT then the outcome", async () => {
    const t = setup();
    t.local.put(registration('sl-1'), Date.now(), contactOf(registration('sl-1')));
    for (const id of ['c1', 'c2', 'c3']) t.queue.enqueue(request(id, 'sl-1'));
    t.executor.drain('sl-1');
    t.executor.drain('sl-1'); // a second drain while running only re-arms the first
    await t.idle();
    expect(t.results.map((r) => `${r.id}:${r.status}`)).toEqual([
      'c1:sent',
      'c1:completed',
      'c2:sent',
      'c2:completed',
      'c3:sent',
      'c3:completed',
    ]);
    expect(t.results.every((r) => r.instanceId === 'me' && r.op === 'read')).toBe(true);
  });

  it('leaves the queue alone for an endpoint this instance does not own', async () => {
    const t = setup();
    t.queue.enqueue(request('c1', 'sl-2'));
    t.executor.drain('sl-2');
    await t.idle();
    expect(t.results).toEqual([]);
    expect(t.queue.queues.get('sl-2')?.map((r) => r.id)).toEqual(['c1']);
  });

  it('expires a request when a queue-mode device sleeps past the deadline', async () => {
    const t = setup({ awake: () => false });
    t.local.put(registration('sl-3', true), Date.now(), contactOf(registration('sl-3', true)));
    t.queue.enqueue(request('c1', 'sl-3', Date.now() + 50));
    t.executor.drain('sl-3');
    await t.idle();
    expect(t.results.map((r) => r.status)).toEqual(['expired']);
    expect(t.executed).toEqual([]);
  });

  it('runs a held request as soon as the device wakes up (its held callbacks are released)', async () => {
    let awake = false;
    const t = setup({ awake: () => awake });
    const owned = t.local.put(registration('sl-4', true), Date.now(), contactOf(registration('sl-4', true)));
    t.queue.enqueue(request('c1', 'sl-4'));
    t.executor.drain('sl-4');
    await new Promise((r) => setTimeout(r, 30));
    expect(t.executed).toEqual([]);
    awake = true;
    for (const release of owned.takeHeld()) release();
    await t.idle();
    expect(t.results.map((r) => r.status)).toEqual(['sent', 'completed']);
  });

  it('puts a waiting request back at the head when another instance takes the endpoint over', async () => {
    const t = setup({ awake: () => false });
    t.local.put(registration('sl-5', true), Date.now(), contactOf(registration('sl-5', true)));
    t.queue.enqueue(request('c1', 'sl-5'));
    t.queue.enqueue(request('c2', 'sl-5'));
    t.executor.drain('sl-5');
    await new Promise((r) => setTimeout(r, 20));
    t.local.remove('reg-sl-5');
    await t.idle();
    expect(t.results).toEqual([]);
    expect(t.queue.queues.get('sl-5')?.map((r) => r.id)).toEqual(['c1', 'c2']);
  });

  it("refuses a request whose tenant is not the endpoint's", async () => {
    const t = setup();
    t.local.put(registration('sl-6'), Date.now(), contactOf(registration('sl-6')));
    t.queue.enqueue({ ...request('c1', 'sl-6'), tenant: 'porto' });
    t.executor.drain('sl-6');
    await t.idle();
    expect(t.results.map((r) => r.status)).toEqual(['invalid']);
    expect(t.executed).toEqual([]);
  });
});
