/** Starts relay-process.ts as a child process and follows its stdout protocol (test-only). */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

const SCRIPT = resolve(__dirname, 'relay-process.ts');
const REPO = resolve(__dirname, '../../../..');

export interface RelayChildOptions {
  databaseUrl: string;
  schema: string;
  batchSize?: number;
  pollMs?: number;
  ackDelayMs?: number;
  holdAfterBatch?: number;
}

export interface RelayChild {
  readonly process: ChildProcess;
  /** Every stdout line so far. */
  readonly lines: string[];
  /** Resolves with the first line (already seen or future) matching `pattern`. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Messages the relay reported as acknowledged by the broker so far. */
  acknowledged(): number;
  /** Resolves when the process has exited, with its exit code or the signal that ended it. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startRelayChild(options: RelayChildOptions): RelayChild {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      RELAY_DATABASE_URL: options.databaseUrl,
      RELAY_SCHEMA: options.schema,
      RELAY_BATCH_SIZE: String(options.batchSize ?? 50),
      RELAY_POLL_MS: String(options.pollMs ?? 200),
      RELAY_ACK_DELAY_MS: String(options.ackDelayMs ?? 0),
      ...(options.holdAfterBatch ? { RELAY_HOLD_AFTER_BATCH: String(options.holdAfterBatch) } : {}),
    },
  });
  const lines: string[] = [];
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  let stderr = '';
  let partial = '';
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (chunk: string) => {
    partial += chunk;
    const complete = partial.split('\n');
    partial = complete.pop() ?? '';
    for (const line of complete) {
      lines.push(line);
      for (const waiter of [...waiters]) {
        if (waiter.pattern.test(line)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(line);
        }
      }
    }
  });
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => {
    child.once('close', (code, signal) => done({ code, signal }));
  });

  return {
    process: child,
    lines,
    exited,
    acknowledged() {
      const last = [...lines].reverse().find((l) => l.startsWith('published '));
      return last ? Number(last.split(' ')[3]) : 0;
    },
    waitForLine(pattern, timeoutMs = 30_000) {
      const seen = lines.find((l) => pattern.test(l));
      if (seen) return Promise.resolve(seen);
      return new Promise<string>((resolveLine, reject) => {
        const timer = setTimeout(() => {
          waiters.splice(waiters.findIndex((w) => w.pattern === pattern), 1);
          reject(new Error(`relay child: no line matching ${pattern} within ${timeoutMs} ms; stdout: ${lines.slice(-5).join(' | ')}; stderr: ${stderr}`));
        }, timeoutMs);
        const waiter = {
          pattern,
          resolve: (line: string) => {
            clearTimeout(timer);
            resolveLine(line);
          },
        };
        waiters.push(waiter);
        void exited.then(({ code, signal }) => {
          if (!waiters.includes(waiter)) return;
          waiters.splice(waiters.indexOf(waiter), 1);
          clearTimeout(timer);
          reject(new Error(`relay child exited (code ${code}, signal ${signal}) before a line matching ${pattern}; stderr: ${stderr}`));
        });
      });
    },
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
