/**
 * Cleanup that runs however a benchmark ends: normally (the caller awaits `runCleanup()` in a
 * `finally`), on SIGINT/SIGTERM (async cleanup, then exit), and on process exit (synchronous
 * last resort: every registered `onExitSync` hook, e.g. SIGKILL of child process groups).
 */
type AsyncHook = () => Promise<void> | void;
type SyncHook = () => void;

const asyncHooks: { name: string; run: AsyncHook }[] = [];
const syncHooks = new Set<SyncHook>();
let installed = false;
let running: Promise<void> | undefined;

/** Registers async cleanup; hooks run last-registered first. Returns an unregister function. */
export function onCleanup(name: string, run: AsyncHook): () => void {
  const hook = { name, run };
  asyncHooks.push(hook);
  installSignalHandlers();
  return () => {
    const i = asyncHooks.indexOf(hook);
    if (i >= 0) asyncHooks.splice(i, 1);
  };
}

/** Registers a synchronous hook for the 'exit' event (only sync work is possible there). */
export function onExitSync(run: SyncHook): () => void {
  syncHooks.add(run);
  installSignalHandlers();
  return () => syncHooks.delete(run);
}

/** Runs every async cleanup hook once (LIFO); errors are reported, not thrown. */
export function runCleanup(): Promise<void> {
  running ??= (async () => {
    while (asyncHooks.length > 0) {
      const hook = asyncHooks.pop()!;
      try {
        await hook.run();
      } catch (error) {
        console.error(`cleanup "${hook.name}" failed:`, error instanceof Error ? error.message : error);
      }
    }
  })().finally(() => {
    running = undefined;
  });
  return running;
}

function installSignalHandlers(): void {
  if (installed) return;
  installed = true;
  process.on('exit', () => {
    for (const hook of syncHooks) {
      try {
        hook();
      } catch {
        // best effort while exiting
      }
    }
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      console.error(`\n${signal}: cleaning up…`);
      const force = setTimeout(() => process.exit(130), 15_000);
      force.unref();
      void runCleanup().finally(() => process.exit(130));
    });
  }
}

/**
 * Runs a benchmark's main: prints its title and total time, runs every cleanup however it ends,
 * and exits 0, or 1 with the error.
 */
export function runBench(title: string, main: () => Promise<void>): void {
  process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';
  const started = Date.now();
  console.log(`${title} on node ${process.version}, ${new Date().toISOString()}`);
  main()
    .finally(() => runCleanup())
    .then(
      () => {
        console.log(`\nbench finished in ${((Date.now() - started) / 1000).toFixed(0)} s`);
        process.exit(0);
      },
      (error: unknown) => {
        console.error('\nbench failed:', error instanceof Error ? (error.stack ?? error.message) : error);
        process.exit(1);
      },
    );
}
