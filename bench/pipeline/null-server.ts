/**
 * A minimal LwM2M server for measuring the load generator alone: `node -r ./tools/register.js
 * bench/pipeline/null-server.ts [port]`, then `npm run bench -- --target 127.0.0.1:<port>`. It answers Register with
 * 2.01 and a location, every other request with 2.04, and keeps nothing: whatever rate it sustains is the
 * simulator's ceiling on this machine, not a server's.
 */
import { CoapEndpoint, openUdpSocket } from '@smartcity/lwm2m-client';

async function main(): Promise<void> {
  const port = Number(process.argv[2] ?? 25683);
  const socket = await openUdpSocket({
    port,
    recvBufferSize: 8 * 1024 * 1024,
    sendBufferSize: 8 * 1024 * 1024,
  });
  let registrations = 0;
  let requests = 0;
  const endpoint = new CoapEndpoint({
    socket,
    onRequest: (req) => {
      requests++;
      if (req.method === '0.02' && req.uriPath.length === 1 && req.uriPath[0] === 'rd') {
        registrations++;
        return { code: '2.01', locationPath: ['rd', String(registrations)] };
      }
      return { code: req.method === '0.04' ? '2.02' : '2.04' };
    },
  });
  process.stdout.write(`null LwM2M server on 127.0.0.1:${endpoint.localPort}\n`);
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
