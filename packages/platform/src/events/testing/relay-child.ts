/** Starts relay-process.ts as a child process and follows its stdout protocol (test-only). */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

const SCRIPT = resolve(__dirname, 'relay-process.ts');
const REPO = resolve(__dirname, '../../../../..');

export interface RelayChildOptions {
  databaseUrl: string;
  schema: string;
  batchSize?: number;
  pollMs?: number;
  ackDelayMs?: number;
  holdAfterBatch?: number;
  /** Start the process now but relay only after go(): the start-up cost is paid ahead of time. */
  waitForGo?: boolean;
}

export interface RelayChild {
  readonly process: ChildProcess;
  /** Every stdout line so far. */
  readonly lines: string[];
  /** Resolves with the first line (already seen or future) matching `pattern`. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves when the process has exited, with its exit code or the signal that ended it. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** With waitForGo: waits until the process is warm, then lets it relay. */
  go(): Promise<void>;
}

export function startRelayChild(options: RelayChildOptions): RelayChild {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT], {
    cwd: REPO,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: {
      ...process.env,
      RELAY_DATABASE_URL: options.databaseUrl,
      RELAY_SCHEMA: options.schema,
      RELAY_BATCH_SIZE: String(options.batchSize ?? 50),
      RELAY_POLL_MS: String(options.pollMs ?? 200),
      RELAY_ACK_DELAY_MS: String(options.ackDelayMs ?? 0),
      ...(options.holdAfterBatch ? { RELAY_HOLD_AFTER_BATCH: String(options.holdAfterBatch) } : {}),
      ...(options.waitForGo ? { RELAY_START_ON_STDIN: '1' } : {}),
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
      for (const waiter of [...waiters]) if (waiter.pattern.test(line)) waiter.resolve(line);
    }
  });
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => {
    child.once('close', (code, signal) => done({ code, signal }));
  });

  const relay: RelayChild = {
    process: child,
    lines,
    exited,
    async go() {
      await relay.waitForLine(/^warm$/, 30_000);
      child.stdin!.write('go\n');
      await relay.waitForLine(/^ready$/, 10_000);
    },
    waitForLine(pattern, timeoutMs = 30_000) {
      const seen = lines.find((l) => pattern.test(l));
      if (seen) return Promise.resolve(seen);
      return new Promise<string>((resolveLine, reject) => {
        const settle = (error?: Error, line?: string) => {
          const index = waiters.indexOf(waiter);
          if (index < 0) return;
          waiters.splice(index, 1);
          clearTimeout(timer);
          if (error) reject(error);
          else resolveLine(line!);
        };
        const waiter = { pattern, resolve: (line: string) => settle(undefined, line) };
        const timer = setTimeout(
          () => settle(new Error(`relay child: no line matching ${pattern} within ${timeoutMs} ms; stdout: ${lines.slice(-5).join(' | ')}; stderr: ${stderr}`)),
          timeoutMs,
        );
        waiters.push(waiter);
        void exited.then(({ code, signal }) =>
          settle(new Error(`relay child exited (code ${code}, signal ${signal}) before a line matching ${pattern}; stderr: ${stderr}`)),
        );
      });
    },
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
  return relay;
}
