import pino, { type Logger } from 'pino';
import { currentRequestId } from './request-context';

export type { Logger };

/** Structured JSON logs; every line written inside a request carries its request id. */
export function createLogger(name: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    name,
    level,
    base: { service: name },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ['*.password', '*.secret', '*.authorization', 'req.headers.authorization'], remove: true },
    mixin() {
      const requestId = currentRequestId();
      return requestId ? { requestId } : {};
    },
  });
}
