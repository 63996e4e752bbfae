import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/**
 * CPU seconds (user + system, all threads) a process has used so far, from /proc/<pid>/stat;
 * undefined where /proc is not available. Resolution is one clock tick (usually 10 ms).
 * CPU time per request is far less sensitive to other load on the machine than throughput.
 */
export function processCpuSeconds(pid: number): number | undefined {
  try {
    return cpuSecondsOfStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * User + system seconds from the text of a /proc/<pid>/stat file; with `reapedChildren`, plus
 * those of the process's children that exited and were waited for.
 */
function cpuSecondsOfStat(stat: string, reapedChildren = false): number | undefined {
  // The command name (field 2) may contain spaces; the fields after it are space-separated.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = (reapedChildren ? [11, 12, 13, 14] : [11, 12]).map((i) => Number(fields[i]));
  if (!ticks.every(Number.isFinite)) return undefined;
  return ticks.reduce((a, b) => a + b, 0) / clockTicks();
}

/** CPU seconds used by this process (all threads), from process.cpuUsage(). */
export function ownCpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/** Measures the CPU seconds each named process uses while `work` runs. */
export async function measureCpu<T>(pids: Record<string, number | 'self'>, work: () => Promise<T>): Promise<{ result: T; cpu: Record<string, number | undefined> }> {
  const read = () =>
    Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, pid === 'self' ? ownCpuSeconds() : processCpuSeconds(pid)]));
  const before = read();
  const result = await work();
  const after = read();
  const cpu: Record<string, number | undefined> = {};
  for (const name of Object.keys(pids)) {
    const a = after[name];
    const b = before[name];
    cpu[name] = a === undefined || b === undefined ? undefined : a - b;
  }
  return { result, cpu };
}

/**
 * CPU seconds used so far by every Postgres server process on this machine (backends and
 * background workers: a process whose command is `postgres`), including the backends that exited
 * (the postmaster, their parent, accounts for them once it has waited for them); undefined where
 * /proc is not available.
 */
export function postgresCpuSeconds(): number | undefined {
  try {
    let total = 0;
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      let stat: string;
      try {
        stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      } catch {
        continue; // exited meanwhile
      }
      if (stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) !== 'postgres') continue;
      total += cpuSecondsOfStat(stat, true) ?? 0;
    }
    return total;
  } catch {
    return undefined;
  }
}

/** CPU microseconds per call (NaN where unknown). */
export interface CpuPerCall {
  /** Of this process: the clients and every service running in it. */
  nodeUs: number;
  /** Of all Postgres processes. */
  postgresUs: number;
}

/**
 * Starts counting the CPU time of this process and of all Postgres processes; the function it
 * returns shares what each has used since among the `calls` made meanwhile.
 */
export function startCpuPerCall(): (calls: number) => CpuPerCall {
  const node = ownCpuSeconds();
  const postgres = postgresCpuSeconds() ?? NaN;
  return (calls) => {
    const perCall = (s: number) => (s * 1e6) / Math.max(1, calls);
    // Exited backends count through the postmaster; should /proc still lose time, a negative span is unknown.
    const postgresSpent = (postgresCpuSeconds() ?? NaN) - postgres;
    return { nodeUs: perCall(ownCpuSeconds() - node), postgresUs: postgresSpent >= 0 ? perCall(postgresSpent) : NaN };
  };
}
