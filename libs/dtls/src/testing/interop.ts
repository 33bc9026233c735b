import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  type CoapMessage,
  CoapCode,
  CoapOption,
  CoapType,
  parseCoapMessage,
  type Peer,
  serializeCoapMessage,
} from '@smartcity/coap';

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
 * A tiny CoAP responder (RFC 7252 §5.2.1) on the `@smartcity/coap` codec: a confirmable request gets a
 * piggybacked ACK 2.05 Content, a non-confirmable one a NON 2.05; empty messages and malformed datagrams are ignored.
 */
export function coapResponder(
  send: (data: Buffer, peer: Peer) => void,
  payload: (peer: Peer, request: CoapMessage) => string,
): (data: Buffer, peer: Peer) => void {
  return (data, peer) => {
    let request: CoapMessage;
    try {
      request = parseCoapMessage(data);
    } catch {
      return;
    }
    if (request.code === CoapCode.Empty) return;
    if (request.type !== CoapType.Confirmable && request.type !== CoapType.NonConfirmable) return;
    const response: CoapMessage = {
      type: request.type === CoapType.Confirmable ? CoapType.Acknowledgement : CoapType.NonConfirmable,
      code: CoapCode.Content,
      messageId: request.messageId,
      token: request.token,
      options: [],
      payload: Buffer.from(payload(peer, request)),
    };
    send(serializeCoapMessage(response), peer);
  };
}

/** A confirmable CoAP GET for `path`. */
export function coapGet(path: string[], messageId = 0x1234): Buffer {
  return serializeCoapMessage({
    type: CoapType.Confirmable,
    code: CoapCode.GET,
    messageId,
    token: Buffer.from([0x42]),
    options: path.map((segment) => ({ number: CoapOption.UriPath, value: Buffer.from(segment) })),
    payload: Buffer.alloc(0),
  });
}
