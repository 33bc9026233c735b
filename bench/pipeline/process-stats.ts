import { readdirSync, readFileSync } from 'node:fs';

/** CPU ticks per second of /proc/<pid>/stat (USER_HZ; 100 on Linux x86-64). */
const CLK_TCK = 100;

export interface ProcessSample {
  readonly cpuSeconds: number;
  readonly rssBytes: number;
  readonly processes: number;
}

function parents(): Map<number, number> {
  const out = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(entry), Number(fields[1]));
    } catch {
      // the process ended meanwhile
    }
  }
  return out;
}

/** The pid and all its descendants (PostgreSQL is a family of processes). */
export function processTree(pid: number): number[] {
  const ppid = parents();
  const tree = new Set([pid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [child, parent] of ppid) {
      if (tree.has(parent) && !tree.has(child)) {
        tree.add(child);
        grew = true;
      }
    }
  }
  return [...tree];
}

/**
 * CPU time (user + system) and resident memory of a process tree, from /proc; of the process alone with
 * `tree: false` (the benchmark's process is the parent of the apps and of the lean fleet, each watched apart).
 */
export function sampleProcess(pid: number, options: { tree?: boolean } = {}): ProcessSample | undefined {
  let cpu = 0;
  let rss = 0;
  let count = 0;
  for (const p of options.tree === false ? [pid] : processTree(pid)) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // utime, stime, cutime, cstime (stat fields 14-17): the children's times count once reaped, so the CPU of
      // short-lived PostgreSQL backends is not lost when they exit between two samples.
      cpu += (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / CLK_TCK;
      const status = readFileSync(`/proc/${p}/status`, 'utf8');
      const m = /VmRSS:\s+(\d+) kB/.exec(status);
      rss += m ? Number(m[1]) * 1024 : 0;
      count++;
    } catch {
      // gone
    }
  }
  return count ? { cpuSeconds: cpu, rssBytes: rss, processes: count } : undefined;
}

/** Main pids of the local stack's services, from `deploy/local/stack status` output. */
export function stackPids(statusText: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of statusText.split('\n')) {
    const m = /^(postgres|redis|kafka|keycloak)\s+\S+\s+(\d+)/.exec(line.trim());
    if (m) out[m[1] as string] = Number(m[2]);
  }
  return out;
}
