import { type Readable, type Writable } from 'node:stream';

export interface CliIo {
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
}

export interface CliCommand {
  readonly name: string;
  readonly summary: string;
  /** Returns the process exit code. Throw CliUsageError for bad input (exit 2, one line on stderr). */
  run(args: string[], io: CliIo): Promise<number>;
}

/** Bad input from the user: reported as one line on stderr with exit code 2. */
export class CliUsageError extends Error {}
