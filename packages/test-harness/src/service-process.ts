/** A service as its own process, started exactly as `npm start` starts it. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import type { ServiceName } from '@instainstru/platform';

const ROOT = resolve(__dirname, '../../..');

export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

export interface ServiceProcess {
  port: number;
  child: ChildProcess;
  /** Everything the process wrote, one entry per line. */
  lines: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  kill(signal?: NodeJS.Signals): void;
}

/** Runs a service exactly as `npm start` does (`node --import tsx services/<name>/src/index.ts`). */
export async function startServiceProcess(name: ServiceName, env: Record<string, string>, args: string[] = []): Promise<ServiceProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', `services/${name}/src/index.ts`, ...args], {
    cwd: ROOT,
    // NODE_ENV as in production (Jest sets 'test', which changes what some libraries do on signals).
    env: { ...process.env, NODE_ENV: 'development', PORT: String(port), LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  const collect = (chunk: Buffer) => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    for (const wake of waiters) wake();
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.once('exit', (code, signal) => done({ code, signal })));
  return {
    port,
    child,
    lines,
    exited,
    kill: (signal = 'SIGKILL') => void child.kill(signal),
    waitForLine(pattern, timeoutMs = 30_000) {
      return new Promise((done, fail) => {
        const check = () => {
          const line = lines.find((l) => pattern.test(l));
          if (!line) return;
          waiters.delete(check);
          clearTimeout(timer);
          done(line);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          fail(new Error(`${name} did not log ${pattern} within ${timeoutMs} ms; it logged:\n${lines.slice(-20).join('\n')}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
  };
}
