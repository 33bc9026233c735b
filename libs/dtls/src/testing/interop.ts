import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { type Peer } from '@smartcity/coap';

/**
 * Helpers for interoperability tests against independent DTLS stacks (OpenSSL, GnuTLS, libcoap). A missing tool
 * is a test failure, never a skip: the stack hook deploy/local/hooks/after-up.d/55-dtls-peers.sh installs them.
 */
export function requireTool(name: string): string {
  try {
    return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error(`${name} is not installed: run deploy/local/hooks/after-up.d/55-dtls-peers.sh (as root)`);
  }
}

/** A running peer process with its combined output. */
export class PeerProcess {
  private out = '';
  private readonly proc: ChildProcess;
  private exited: Promise<number | null>;

  constructor(command: string, args: string[]) {
    this.proc = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stdout!.on('data', (d: Buffer) => (this.out += d.toString('latin1')));
    this.proc.stderr!.on('data', (d: Buffer) => (this.out += d.toString('latin1')));
    this.exited = new Promise((resolve) => this.proc.on('exit', (code) => resolve(code)));
  }

  get output(): string {
    return this.out;
  }

  write(text: string): void {
    this.proc.stdin!.write(text);
  }

  endInput(): void {
    this.proc.stdin!.end();
  }

  /** Resolves when the output matches, rejects with the output so far after `timeoutMs`. */
  async waitFor(pattern: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> {
    const started = Date.now();
    for (;;) {
      const m = pattern.exec(this.out);
      if (m) return m;
      if (Date.now() - started > timeoutMs) {
        throw new Error(`timed out waiting for ${pattern} in output:\n${this.out.slice(-3000)}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async exit(timeoutMs = 30_000): Promise<number | null> {
    return Promise.race([
      this.exited,
      new Promise<null>((_, reject) =>
        setTimeout(() => reject(new Error(`process did not exit:\n${this.out.slice(-3000)}`)), timeoutMs),
      ),
    ]);
  }

  async kill(): Promise<void> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) {
      this.proc.kill('SIGTERM');
      await Promise.race([this.exited, new Promise((r) => setTimeout(r, 2000))]);
      if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill('SIGKILL');
    }
  }
}

/** Runs a command to completion; resolves with exit code and combined output. */
export function runTool(
  command: string,
  args: string[],
  timeoutMs = 60_000,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const p = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    p.stdout.on('data', (d: Buffer) => (output += d.toString('latin1')));
    p.stderr.on('data', (d: Buffer) => (output += d.toString('latin1')));
    const timer = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    p.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/**
 * A few lines of CoAP (RFC 7252 §3) for interop: answers a confirmable request with a piggybacked ACK 2.05
 * Content carrying `payload(peer)`, a non-confirmable one with a NON 2.05. Anything shorter than a header is ignored.
 */
export function coapResponder(
  send: (data: Buffer, peer: Peer) => void,
  payload: (peer: Peer, request: Buffer) => string,
): (data: Buffer, peer: Peer) => void {
  return (data, peer) => {
    if (data.length < 4 || data[0]! >> 6 !== 1) return;
    const type = (data[0]! >> 4) & 3;
    const tkl = data[0]! & 0x0f;
    if (type > 1 || data[1] === 0) return; // ACK/RST or an empty message: nothing to answer
    const replyType = type === 0 ? 2 : 1; // CON -> ACK, NON -> NON
    const header = Buffer.from([0x40 | (replyType << 4) | tkl, 0x45, data[2]!, data[3]!]);
    send(
      Buffer.concat([
        header,
        data.subarray(4, 4 + tkl),
        Buffer.from([0xff]),
        Buffer.from(payload(peer, data)),
      ]),
      peer,
    );
  };
}

/** A CoAP GET (CON, token 0x42) for `path`, with Uri-Path options. */
export function coapGet(path: string[], messageId = 0x1234): Buffer {
  const options: Buffer[] = [];
  let last = 0;
  for (const seg of path) {
    const v = Buffer.from(seg);
    const delta = 11 - last;
    last = 11;
    options.push(Buffer.concat([Buffer.from([(delta << 4) | v.length]), v]));
  }
  return Buffer.concat([Buffer.from([0x41, 0x01, messageId >> 8, messageId & 0xff, 0x42]), ...options]);
}
