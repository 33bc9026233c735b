import { DtlsTestWorld, PSK_IDENTITY, PSK_KEY, pskTable, SERVER } from '../testing/harness';

describe('DTLS 1.2 PSK in memory', () => {
  it('completes a PSK AES_128_CCM_8 handshake and carries application data both ways', async () => {
    const world = new DtlsTestWorld();
    const server = await world.startServer({ psk: { resolvePsk: pskTable({ [PSK_IDENTITY]: PSK_KEY }) } });
    const { client, received } = await world.client({
      credentials: { psk: { identity: PSK_IDENTITY, key: PSK_KEY } },
    });
    const established: string[] = [];
    server.on('sessionEstablished', (e) => established.push(e.suite));
    client.send(Buffer.from('hello'), { address: SERVER.address, port: SERVER.port, key: 'x' });
    await world.until(() => world.serverReceived.length > 0, 2000);
    expect(established).toEqual(['TLS_PSK_WITH_AES_128_CCM_8']);
    expect(world.serverReceived[0]!.data.toString()).toBe('hello');
    const peer = world.serverReceived[0]!.peer;
    expect(peer.identity).toEqual({ kind: 'psk', identity: PSK_IDENTITY });
    expect(peer.key).toMatch(/^dtls:[0-9a-f]{64}$/);
    server.send(Buffer.from('world'), peer);
    await world.until(() => received.length > 0, 100);
    expect(received[0]!.data.toString()).toBe('world');
    expect(world.serverMetrics.helloVerify).toBe(1);
  });
});
