/**
 * A minimal LwM2M server for measuring the load generator alone: `node -r ./tools/register.js
 * bench/pipeline/null-server.ts [port]`, then `npm run bench -- --target 127.0.0.1:<port>`. It answers Register with
 * 2.01 and a location, every other request with 2.04, and keeps nothing: whatever rate it sustains is the
 * simulator's ceiling on this machine, not a server's.
 */
import { CoapCode, CoapEndpoint, CoapOption, stringOptions, UdpTransport, uriPathOf } from '@smartcity/coap';

async function main(): Promise<void> {
  const port = Number(process.argv[2] ?? 25683);
  const transport = new UdpTransport({
    port,
    receiveBufferBytes: 8 * 1024 * 1024,
    sendBufferBytes: 8 * 1024 * 1024,
  });
  let registrations = 0;
  let requests = 0;
  const endpoint = new CoapEndpoint({ transport });
  await endpoint.start((exchange) => {
    requests++;
    const path = uriPathOf(exchange.request);
    if (exchange.request.code === CoapCode.POST && path.length === 1 && path[0] === 'rd') {
      registrations++;
      exchange.respond(
        CoapCode.Created,
        stringOptions(CoapOption.LocationPath, ['rd', String(registrations)]),
      );
      return;
    }
    exchange.respond(exchange.request.code === CoapCode.DELETE ? CoapCode.Deleted : CoapCode.Changed);
  });
  process.stdout.write(`null LwM2M server on 127.0.0.1:${endpoint.localAddress().port}\n`);
  const timer = setInterval(() => {
    process.stdout.write(`${new Date().toISOString()} requests ${requests} registrations ${registrations}\n`);
  }, 10_000);
  const stop = () => {
    clearInterval(timer);
    void endpoint.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main();
