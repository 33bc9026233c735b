import { type ChildProcessWithoutNullStreams, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * The independent CoAP implementations the interoperability tests talk to, and how to run them:
 *  - libcoap 4.3.1 (Debian libcoap3-bin): `coap-client-notls`, `coap-server-notls` (stack hook 50-libcoap.sh);
 *  - aiocoap 0.4.17 (PyPI) in the venv of the stack hook 52-aiocoap.sh, driven by aiocoap_peer.py;
 *  - node-coap 1.5 (npm `coap`, a dev dependency), in process.
 * A missing peer fails the test (it is part of the project's test stack), it never skips it.
 */
export const REPO_ROOT = resolve(__dirname, '../../..');
export const AIOCOAP_PYTHON = join(REPO_ROOT, '.local/opt/aiocoap/bin/python');
export const AIOCOAP_PEER = join(__dirname, 'aiocoap_peer.py');
export const LIBCOAP_CLIENT = 'coap-client-notls';
export const LIBCOAP_SERVER = 'coap-server-notls';

/** Bodies larger than 3 KiB: five 1024-byte blocks (RFC 7959 §2.2, SZX 6). */
export const LARGE_SIZE = 4500;

/** Deterministic bytes in which every byte value occurs (same formula as aiocoap_peer.py's large_body). */
export function largeBody(size = LARGE_SIZE): Buffer {
  return Buffer.from(Array.from({ length: size }, (_, i) => (i * 7 + (i >> 8)) % 256));
}

/**
 * Text of `bytes` UTF-8 bytes made of 2- and 3-byte characters: with its 6-byte unit, the 1024-byte block
 * boundaries fall inside characters (1024 % 6 = 4, inside 'é'; 2048 % 6 = 2, inside '€'), so a peer that
 * decoded block by block would corrupt them.
 */
export function largeText(bytes = LARGE_SIZE): string {
  const unit = '€é-';
  const text = unit.repeat(Math.floor(bytes / Buffer.byteLength(unit)));
  return text + 'x'.repeat(bytes - Buffer.byteLength(text));
}

/** Fails with a message naming the hook that installs the peer (the test must fail, not skip). */
export async function requirePeers(): Promise<void> {
  if (!existsSync(AIOCOAP_PYTHON))
    throw new Error(
      `aiocoap missing (${AIOCOAP_PYTHON}): run 'npm run stack -- up' (hook deploy/local/hooks/after-up.d/52-aiocoap.sh)`,
    );
  for (const tool of [LIBCOAP_CLIENT, LIBCOAP_SERVER]) {
    const found = await new Promise<boolean>((done) =>
      execFile('sh', ['-c', `command -v ${tool}`], (err) => done(!err)),
    );
    if (!found)
      throw new Error(
        `${tool} missing: run 'npm run stack -- up' (hook deploy/local/hooks/after-up.d/50-libcoap.sh)`,
      );
  }
}

export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to its end (or kills it after `timeoutMs`) and returns its output, whatever its exit code. */
export function run(command: string, args: readonly string[], timeoutMs = 30_000): Promise<RunResult> {
  return new Promise((done) => {
    execFile(
      command,
      [...args],
      { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}

/**
 * libcoap's client. `-B` bounds its wait for a response (s); `-v 6` makes it print every PDU it receives, `-v 7`
 * also the blocks its Block-wise layer exchanges, so a test can assert codes and options.
 */
export function libcoapClient(
  args: readonly string[],
  options: { verbosity?: number; timeoutMs?: number } = {},
): Promise<RunResult> {
  return run(LIBCOAP_CLIENT, ['-v', String(options.verbosity ?? 6), '-B', '20', ...args], options.timeoutMs);
}

/** aiocoap_peer.py run to its end; its JSON report lines parsed. */
export async function aiocoap(args: readonly string[], timeoutMs = 30_000): Promise<PeerEvent[]> {
  const result = await run(AIOCOAP_PYTHON, [AIOCOAP_PEER, ...args], timeoutMs);
  if (result.code !== 0)
    throw new Error(`aiocoap_peer.py ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return parseEvents(result.stdout);
}

export type PeerEvent = Record<string, unknown> & { readonly event: string };

function parseEvents(stdout: string): PeerEvent[] {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as PeerEvent);
}

/**
 * A long-running peer process (an aiocoap observer or server, libcoap's server or observing client): its
 * output is collected line by line so the test can wait for the line that says what it needs (a sentinel).
 */
export class PeerProcess {
  readonly lines: string[] = [];
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiters = new Set<() => void>();
  private stderrText = '';

  constructor(command: string, args: readonly string[]) {
    this.child = spawn(command, [...args], { stdio: 'pipe' });
    let partial = '';
    const onText = (chunk: Buffer): void => {
      partial += chunk.toString('utf8');
      const parts = partial.split('\n');
      partial = parts.pop() ?? '';
      this.lines.push(...parts);
      for (const w of [...this.waiters]) w();
    };
    this.child.stdout.on('data', onText);
    // libcoap logs to stderr: the same sentinel search covers it.
    this.child.stderr.on('data', (chunk: Buffer) => {
      this.stderrText += chunk.toString('utf8');
      onText(chunk);
    });
    this.exited = new Promise((done) =>
      this.child.on('exit', (code) => {
        done(code);
        for (const w of [...this.waiters]) w();
      }),
    );
  }

  static aiocoap(args: readonly string[]): PeerProcess {
    return new PeerProcess(AIOCOAP_PYTHON, [AIOCOAP_PEER, ...args]);
  }

  get events(): PeerEvent[] {
    return parseEvents(this.lines.join('\n'));
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves with the first line matching, waiting for it; rejects after `timeoutMs` or when the process ends. */
  waitForLine(match: (line: string) => boolean, timeoutMs = 20_000, what = 'line'): Promise<string> {
    return this.waitFor(() => this.lines.find(match), timeoutMs, what);
  }

  /** Resolves once `count` JSON events match. */
  waitForEvents(match: (e: PeerEvent) => boolean, count = 1, timeoutMs = 20_000): Promise<PeerEvent[]> {
    return this.waitFor(
      () => {
        const found = this.events.filter(match);
        return found.length >= count ? found : undefined;
      },
      timeoutMs,
      `${count} matching event(s)`,
    );
  }

  write(line: string): void {
    this.child.stdin.write(line + '\n');
  }

  /** Closes stdin (aiocoap_peer.py ends when it reads EOF) and waits for the exit, killing it after the deadline. */
  async stop(timeoutMs = 10_000): Promise<void> {
    if (!this.running) return;
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** Sends SIGTERM (libcoap's server does not read stdin) and waits for the exit. */
  async kill(): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    await this.exited;
  }

  private waitFor<T>(probe: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return new Promise<T>((done, fail) => {
      const check = (): void => {
        const value = probe();
        if (value !== undefined) {
          finish();
          done(value);
        } else if (!this.running) {
          finish();
          fail(new Error(`peer exited before ${what}: ${this.tail()}`));
        }
      };
      const timer = setTimeout(() => {
        finish();
        fail(new Error(`no ${what} within ${timeoutMs} ms: ${this.tail()}`));
      }, timeoutMs);
      const finish = (): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  private tail(): string {
    return [...this.lines.slice(-15), this.stderrText.slice(-500)].join('\n');
  }
}

/** Polls a condition of our own state (an observation count, a datagram recorded) until it holds. */
export async function waitUntil(
  condition: () => boolean,
  timeoutMs = 20_000,
  what = 'condition',
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`${what} not reached within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A scratch directory for the bodies peers read and write as files. */
export async function scratchDir(): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'coap-interop-'));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}
