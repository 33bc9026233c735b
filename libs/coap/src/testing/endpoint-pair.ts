import { CoapEndpoint, type CoapEndpointOptions } from '../exchange/coap-endpoint';
import { parseCoapMessage } from '../message/coap-codec';
import { type CoapMessage } from '../message/coap-message';
import { FakeClock } from '../time/fake-clock';
import { MemoryNetwork } from '../transport/memory-transport';
import { type Peer, udpPeer } from '../transport/peer';

/** A client and a server endpoint on a memory network, on fake time, for exchange tests. */
export class EndpointPair {
  readonly clock = new FakeClock();
  readonly network = new MemoryNetwork();
  readonly server: CoapEndpoint;
  readonly client: CoapEndpoint;
  readonly serverPort = 5683;
  readonly clientPort = 40001;
  /** How the client sees the server, and the server the client. */
  readonly serverPeer: Peer = udpPeer('127.0.0.1', 5683);
  readonly clientPeer: Peer = udpPeer('127.0.0.1', 40001);

  constructor(
    serverOptions: Partial<CoapEndpointOptions> = {},
    clientOptions: Partial<CoapEndpointOptions> = {},
  ) {
    let seed = 0;
    const bytes = (n: number) =>
      Buffer.from(Array.from({ length: n }, () => (seed = (seed * 31 + 7) & 0xff)));
    const common = { clock: this.clock, random: () => 0, randomBytes: bytes };
    this.server = new CoapEndpoint({
      transport: this.network.transport(this.serverPort),
      ...common,
      ...serverOptions,
    });
    this.client = new CoapEndpoint({
      transport: this.network.transport(this.clientPort),
      ...common,
      ...clientOptions,
    });
  }

  async start(): Promise<void> {
    await this.server.start();
    await this.client.start();
  }

  /** Datagrams sent by one port, parsed. */
  sentBy(port: number): CoapMessage[] {
    return this.network.log.filter((r) => r.from === port).map((r) => parseCoapMessage(r.datagram));
  }
}
