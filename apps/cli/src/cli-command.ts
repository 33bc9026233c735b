import { type Readable, type Writable } from 'node:stream';

export interface CliIo {
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
}

export interface CliCommand {
  readonly name: string;
  readonly summary: string;
  /** Its arguments, as `<command> --help` prints them after "usage: npm run -s cli -- ". */
  readonly usage: string;
  /** Returns the process exit code. Throw CliUsageError for bad input (exit 2, one line on stderr). */
  run(args: string[], io: CliIo): Promise<number>;
}

/** `<command> --help` (or `-h` anywhere in its arguments): the summary, then its usage, one alternative per line. */
export function helpOf(command: CliCommand): string {
  const forms = topLevelForms(command.usage).map((form) => `  npm run -s cli -- ${form}`);
  return [`${command.name}: ${command.summary}`, '', 'usage:', ...forms].join('\n');
}

/** The alternatives of a usage: split at " | " outside brackets and parentheses (those are options' choices). */
function topLevelForms(usage: string): string[] {
  const forms: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < usage.length; i++) {
    const c = usage[i];
    if (c === '[' || c === '(') depth++;
    else if (c === ']' || c === ')') depth--;
    else if (depth === 0 && usage.startsWith(' | ', i)) {
      forms.push(usage.slice(start, i).trim());
      start = i + 3;
    }
  }
  forms.push(usage.slice(start).trim());
  return forms;
}

/** Bad input from the user: reported as one line on stderr with exit code 2. */
export class CliUsageError extends Error {}
