import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeTcpPort, freeUdpPort } from '../../../bench/pipeline/ports';

const ROOT = join(__dirname, '..', '..', '..');

/** A running Leshan server demo (the reference LwM2M server) on 127.0.0.1, with its REST API. */
export interface LeshanServer {
  readonly coapPort: number;
  readonly webUrl: string;
  readonly output: () => string;
  stop(): Promise<void>;
}

/**
 * Fetches the jars (Maven Central, once), copies the DDF files the test devices use into a models folder, starts
 * `org.eclipse.leshan.server.demo.LeshanServerDemo` on loopback ports and waits until its REST API answers.
 */
export async function startLeshanServer(ddfFiles: readonly string[]): Promise<LeshanServer> {
  execFileSync('bash', [join(ROOT, 'test/interop/leshan/fetch.sh')], { stdio: 'inherit' });
  const models = mkdtempSync(join(tmpdir(), 'leshan-models-'));
  for (const file of ddfFiles) copyFileSync(file, join(models, file.split('/').pop() as string));
  const coapPort = await freeUdpPort();
  const coapsPort = await freeUdpPort();
  const webPort = await freeTcpPort();
  let output = '';
  const child: ChildProcess = spawn(
    'java',
    [
      // Leshan 2.0.0-M4's gson serializes JDK maps by reflection, which Java 17 forbids unless opened.
      '--add-opens',
      'java.base/java.util=ALL-UNNAMED',
      '--add-opens',
      'java.base/java.lang=ALL-UNNAMED',
      '-cp',
      join(ROOT, '.local/leshan/lib/*'),
      'org.eclipse.leshan.server.demo.LeshanServerDemo',
      '-lh',
      '127.0.0.1',
      '-lp',
      String(coapPort),
      '-slh',
      '127.0.0.1',
      '-slp',
      String(coapsPort),
      '-wh',
      '127.0.0.1',
      '-wp',
      String(webPort),
      ...(ddfFiles.length ? ['-m', models] : []),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const webUrl = `http://127.0.0.1:${webPort}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Leshan exited early:\n${output}`);
    try {
      const res = await fetch(`${webUrl}/api/clients`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`Leshan did not start within 60 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  return {
    coapPort,
    webUrl,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(models, { recursive: true, force: true });
    },
  };
}
