/**
 * Mints a development JWT the local gateway accepts.
 *   npm run dev-token -- --role student --sub user-123 [--name 'Jane Doe'] [--ttl 3600]
 */
import { loadOrCreateDevKey, mintDevToken } from '../gateway/src/auth/dev-key';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const role = arg('role') ?? 'student';
  if (!['student', 'instructor', 'admin'].includes(role)) throw new Error('--role must be student, instructor or admin');
  const sub = arg('sub') ?? `${role}-dev`;
  const ttl = Number(arg('ttl') ?? 3600);
  if (!Number.isInteger(ttl) || ttl <= 0) throw new Error('--ttl must be a positive number of seconds');
  const { privateJwk } = await loadOrCreateDevKey();
  const name = arg('name');
  const token = await mintDevToken(privateJwk, { sub, roles: [role], ttlSeconds: ttl, ...(name ? { name } : {}) });
  console.log(token);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
