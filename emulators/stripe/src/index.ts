/**
 * The Stripe emulator as a process: `npm run emulator:stripe` or scripts/infra (service
 * stripe-emulator). Listens on STRIPE_EMULATOR_HOST:STRIPE_EMULATOR_PORT (127.0.0.1:12120).
 */
import { configFromEnv } from './config';
import { startStripeEmulator } from './server';

async function main(): Promise<void> {
  const port = Number(process.env.STRIPE_EMULATOR_PORT ?? 12120);
  const host = process.env.STRIPE_EMULATOR_HOST ?? '127.0.0.1';
  const emulator = await startStripeEmulator({ port, host, config: configFromEnv() });
  console.log(`stripe-emulator listening on ${emulator.url} (pid ${process.pid})`);
  const stop = (signal: string) => {
    console.log(`stripe-emulator: ${signal}, stopping`);
    void emulator.close().then(() => process.exit(0));
    setTimeout(() => process.exit(0), 3000).unref();
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  console.error('stripe-emulator failed to start:', error);
  process.exit(1);
});
