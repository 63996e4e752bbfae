/**
 * A minimal Node HTTP server answering every request (after reading its body) with fixed bytes:
 * the "no work at all" baseline for HTTP benchmarks. Run as a child process:
 *
 *   PORT=<port> STATIC_BODY_FILE=<file> [STATIC_CONTENT_TYPE=application/json] node --import tsx scripts/bench/lib/static-server.ts
 *
 * Serves GET /healthz with 200 too (same body), so it can be awaited like the services.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

function main(): void {
  const port = Number(process.env.PORT);
  const file = process.env.STATIC_BODY_FILE;
  if (!Number.isInteger(port) || port <= 0 || !file) throw new Error('PORT and STATIC_BODY_FILE are required');
  const body = readFileSync(file);
  const headers = {
    'content-type': process.env.STATIC_CONTENT_TYPE ?? 'application/json',
    'content-length': String(body.length),
  };
  const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, headers);
      res.end(body);
    });
  });
  server.listen(port, '127.0.0.1');
  const stop = () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main();
