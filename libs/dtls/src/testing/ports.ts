import { createSocket } from 'node:dgram';

/** A UDP port free on 127.0.0.1 right now (for peers that need a fixed port on their command line). */
export function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    s.once('error', reject);
    s.bind(0, '127.0.0.1', () => {
      const port = s.address().port;
      s.close(() => resolve(port));
    });
  });
}
