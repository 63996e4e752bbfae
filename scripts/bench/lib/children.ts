import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { onCleanup, onExitSync } from './cleanup';

/** The repository root (scripts/bench/lib → ../../..). */
export const REPO_ROOT = resolve(__dirname, '../../..');

export interface StartChildOptions {
  /** Label used in messages. */
  name: string;
  /** TypeScript (or JS) entry point, relative to the repository root. */
  entry: string;
  /** Added to (and overriding) the parent's environment. */
  env?: Record<string, string>;
  /** Extra Node flags, e.g. ['--cpu-prof', '--cpu-prof-dir=/tmp/prof']. */
  nodeArgs?: string[];
  /** Working directory the entry is relative to (default: the repository root). */
  cwd?: string;
  /** Load the entry through tsx (default); false runs plain JavaScript with bare node. */
  tsx?: boolean;
  /** Bytes of stdout+stderr kept for error messages. */
  keepOutputBytes?: number;
}

export interface ChildHandle {
  readonly name: string;
  readonly pid: number;
  /** Resolves with the exit code (or the signal name) once the process exited. */
  readonly exited: Promise<number | string>;
  hasExited(): boolean;
  /** The tail of the child's stdout and stderr. */
  output(): string;
  /** SIGTERM to the child's process group, then SIGKILL after `graceMs`. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

const live = new Set<ChildHandle>();

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

onExitSync(() => {
  for (const child of live) if (!child.hasExited()) killGroup(child.pid, 'SIGKILL');
});

/**
 * Starts `node --import tsx <entry>` (or `node <entry>`) in its own process group (so the whole tree can be signalled
 * and a Ctrl-C in the terminal reaches only the parent, which then stops it cleanly). This is what
 * `npx tsx <entry>` runs in the end, minus the npm and tsx wrapper processes.
 */
export function startChild(options: StartChildOptions): ChildHandle {
  const keep = options.keepOutputBytes ?? 64 * 1024;
  let tail = '';
  const proc: ChildProcess = spawn(process.execPath, [...(options.nodeArgs ?? []), ...(options.tsx === false ? [] : ['--import', 'tsx']), options.entry], {
    cwd: options.cwd ?? REPO_ROOT,
    env: { ...process.env, ...options.env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (proc.pid === undefined) throw new Error(`could not start ${options.name}`);
  const pid = proc.pid;
  const append = (chunk: Buffer) => {
    tail += chunk.toString('utf8');
    if (tail.length > keep) tail = tail.slice(tail.length - keep);
  };
  proc.stdout?.on('data', append);
  proc.stderr?.on('data', append);

  let exitedFlag = false;
  const exited = new Promise<number | string>((resolveExit) => {
    proc.once('exit', (code, signal) => {
      exitedFlag = true;
      resolveExit(code ?? signal ?? 'unknown');
    });
    proc.once('error', (error) => {
      exitedFlag = true;
      append(Buffer.from(String(error)));
      resolveExit('spawn-error');
    });
  });

  let stopping: Promise<void> | undefined;
  const handle: ChildHandle = {
    name: options.name,
    pid,
    exited,
    hasExited: () => exitedFlag,
    output: () => tail,
    stop(graceMs = 5000) {
      stopping ??= (async () => {
        if (!exitedFlag) {
          killGroup(pid, 'SIGTERM');
          const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), graceMs).unref());
          if ((await Promise.race([exited, timer])) === 'timeout') {
            killGroup(pid, 'SIGKILL');
            await exited;
          }
        }
        // The group may still hold grandchildren that ignored SIGTERM.
        killGroup(pid, 'SIGKILL');
        live.delete(handle);
        unregister();
      })();
      return stopping;
    },
  };
  live.add(handle);
  const unregister = onCleanup(`stop ${options.name}`, () => handle.stop());
  return handle;
}

/**
 * Polls `url` until it answers with `status` (default 200); fails early with the child's output
 * if the child exits, or after `timeoutMs`.
 */
export async function waitForHttp(url: string, child: ChildHandle, { timeoutMs = 60_000, status = 200 } = {}): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (child.hasExited()) {
      throw new Error(`${child.name} exited (${await child.exited}) before it was ready:\n${child.output()}`);
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.status === status) return;
      last = `HTTP ${res.status}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${child.name} was not ready at ${url} after ${timeoutMs} ms (last: ${last}):\n${child.output()}`);
}
