import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * pgbench, Postgres's own load generator (a C client): it measures what a statement costs the
 * database with next to no client work, where a Node.js client sharing the machine's cores would
 * take its own share. Found on PATH or beside Debian's server binaries; null when not installed
 * (e.g. Postgres only in a container).
 */
export function findPgbench(): string | null {
  for (const dir of (process.env.PATH ?? '').split(':')) if (dir && existsSync(join(dir, 'pgbench'))) return join(dir, 'pgbench');
  const debian = '/usr/lib/postgresql';
  if (!existsSync(debian)) return null;
  const majors = readdirSync(debian).filter((d) => /^\d+$/.test(d)).sort((a, b) => Number(b) - Number(a));
  for (const major of majors) if (existsSync(join(debian, major, 'bin/pgbench'))) return join(debian, major, 'bin/pgbench');
  return null;
}

/**
 * A pgbench script running `text` once per transaction, its `$n` placeholders replaced by
 * `values[n - 1]` (SQL expressions; pgbench variables such as `:k` become parameters of the
 * prepared statement, like a driver's). `setup` holds pgbench meta-commands (`\set k random(…)`).
 */
export function pgbenchScript(setup: string[], text: string, values: readonly string[]): string {
  const sql = text.replace(/\$(\d+)/g, (_, n: string) => {
    const value = values[Number(n) - 1];
    if (value === undefined) throw new Error(`No value for $${n}`);
    return value;
  });
  return `${setup.join('\n')}\n${sql};\n`;
}

export interface PgbenchRun {
  transactionsPerSecond: number;
  transactions: number;
}

export interface PgbenchOptions {
  bin: string;
  /** A libpq connection URI. */
  url: string;
  /** Session settings (PGOPTIONS), e.g. `-c search_path=booking`. */
  sessionOptions?: string;
  clients: number;
  seconds: number;
  /** String variables for the scripts (`-D name=value`), used as `:name`. */
  defines?: Record<string, string>;
}

/** Runs one script as prepared statements for `seconds` over `clients` connections. */
export async function runPgbench(script: string, options: PgbenchOptions): Promise<PgbenchRun> {
  const dir = mkdtempSync(join(tmpdir(), 'pgbench-'));
  try {
    const file = join(dir, 'script.sql');
    writeFileSync(file, script);
    const args = ['-n', '-M', 'prepared', '-c', String(options.clients), '-j', String(Math.min(2, options.clients)), '-T', String(options.seconds), '-f', file];
    for (const [name, value] of Object.entries(options.defines ?? {})) args.push('-D', `${name}=${value}`);
    args.push(options.url);
    const env = { ...process.env, ...(options.sessionOptions ? { PGOPTIONS: options.sessionOptions } : {}) };
    const output = await new Promise<string>((resolve, reject) => {
      execFile(options.bin, args, { env, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
        if (error) reject(new Error(`pgbench failed: ${stderr.trim().split('\n').slice(-5).join('\n') || error.message}`));
        else resolve(stdout);
      });
    });
    const tps = /^tps = ([\d.]+)/m.exec(output);
    if (!tps) throw new Error(`pgbench printed no tps:\n${output}`);
    const processed = /number of transactions actually processed: (\d+)/.exec(output);
    return { transactionsPerSecond: Number(tps[1]), transactions: Number(processed?.[1] ?? 0) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
