import { finishTestRun, type RunningInfrastructure } from '@instainstru/test-harness';

export default async function globalTeardown(): Promise<void> {
  await finishTestRun();
  await (globalThis as { __infrastructure?: RunningInfrastructure }).__infrastructure?.stop();
}
