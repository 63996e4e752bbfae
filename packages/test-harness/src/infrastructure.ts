import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const REPO = resolve(__dirname, '../../..');

function portOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ port, host });
    socket.setTimeout(500);
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
    socket.once('timeout', () => {
      socket.destroy();
      done(false);
    });
  });
}

function dockerAnswers(): boolean {
  if (process.env.TEST_INFRA === 'native') return false;
  if (!process.env.DOCKER_HOST && !existsSync('/var/run/docker.sock')) return false;
  try {
    execFileSync('docker', ['info', '--format', '{{.ServerVersion}}'], { stdio: 'pipe', timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}

/** The local object storage's account and bucket (MinIO's root user here and in scripts/infra). */
const OBJECT_STORAGE = { accessKeyId: 'instainstru', secretAccessKey: 'instainstru-dev-secret', bucket: 'instainstru-documents', region: 'us-east-1' };
/** The Stripe webhook secret the test run's services verify with and the tests sign with. */
const TEST_STRIPE_WEBHOOK_SECRET = 'whsec_instainstru_test_run_webhook_secret';

/**
 * The settings the services of a test run are started with and the tests act with (an S3 client of
 * the instructor's, Stripe's webhook signatures), in process.env for both: set here once, after the
 * infrastructure is up, unless the environment already sets them.
 */
function exportServiceSettings(): void {
  const defaults: Record<string, string> = {
    S3_ENDPOINT: 'http://127.0.0.1:9000',
    S3_REGION: OBJECT_STORAGE.region,
    S3_ACCESS_KEY_ID: OBJECT_STORAGE.accessKeyId,
    S3_SECRET_ACCESS_KEY: OBJECT_STORAGE.secretAccessKey,
    S3_BUCKET: OBJECT_STORAGE.bucket,
    S3_FORCE_PATH_STYLE: 'true',
    STRIPE_WEBHOOK_SECRET: TEST_STRIPE_WEBHOOK_SECRET,
  };
  for (const [name, value] of Object.entries(defaults)) process.env[name] ??= value;
}

/** A setting exported by the global setup; only the integration and e2e projects have it. */
export function requiredSetting(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: this helper needs the infrastructure (an integration or e2e project, whose global setup sets it)`);
  return value;
}

export interface RunningInfrastructure {
  mode: 'containers' | 'native';
  stop(): Promise<void>;
}

/**
 * Real infrastructure for the suite: containers through testcontainers when a Docker engine
 * answers, otherwise the native services of scripts/infra (started here when they are down).
 * Either way the connection settings end up in process.env for the test workers.
 * TEST_INFRA=external uses whatever the environment variables point at and starts nothing;
 * TEST_INFRA=native never tries Docker.
 */
export async function startInfrastructure(): Promise<RunningInfrastructure> {
  const running = await startOrFindInfrastructure();
  exportServiceSettings();
  return running;
}

async function startOrFindInfrastructure(): Promise<RunningInfrastructure> {
  if (process.env.TEST_INFRA === 'external') return { mode: 'native', stop: async () => undefined };
  if (dockerAnswers()) return startContainers();
  const ports = [Number(process.env.PGPORT ?? 5432), 6379, 9092, 12111, 9000];
  const open = await Promise.all(ports.map((p) => portOpen(p)));
  if (open.some((o) => !o)) {
    execFileSync('bash', [resolve(REPO, 'scripts/infra/up.sh')], { stdio: 'inherit' });
  }
  return { mode: 'native', stop: async () => undefined };
}

/** A port nobody listens on now (the kernel's pick). */
function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => done(port));
    });
  });
}

/**
 * The project's Stripe emulator for the containers mode, started as scripts/infra starts it
 * (service stripe-emulator): emulators/stripe/src/index.ts under the repository's tsx, from the
 * repository, as a child process of this run on a free port (a native emulator on 12120 may be up).
 * A process, not a container: the same program, and its webhooks reach the run's services on
 * 127.0.0.1. Ready when GET / answers (scripts/infra's readiness check); its output goes to a log file.
 */
async function startStripeEmulatorProcess(): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const logFile = join(tmpdir(), `instainstru-stripe-emulator-${process.pid}.log`);
  const logFd = openSync(logFile, 'w');
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(REPO, 'emulators/stripe/src/index.ts')], {
    cwd: REPO,
    env: { ...process.env, STRIPE_EMULATOR_HOST: '127.0.0.1', STRIPE_EMULATOR_PORT: String(port) },
    stdio: ['ignore', logFd, logFd],
  });
  closeSync(logFd);
  child.unref();
  const running = () => child.exitCode === null && child.signalCode === null;
  // Never outlive the test run, even when the global teardown does not run.
  const killOnExit = () => {
    if (running()) child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  const stop = async () => {
    process.removeListener('exit', killOnExit);
    if (!running()) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await Promise.race([exited, sleep(5000)]);
    if (running()) child.kill('SIGKILL');
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (!running()) {
      throw new Error(`the Stripe emulator exited at start (${child.exitCode ?? child.signalCode}):\n${readFileSync(logFile, 'utf8')}`);
    }
    const ready = await fetch(`${url}/`, { signal: AbortSignal.timeout(2000) }).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return { url, stop };
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the Stripe emulator did not answer on ${url} within 30 s (log: ${logFile})`);
    }
    await sleep(200);
  }
}

async function startContainers(): Promise<RunningInfrastructure> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const postgres = await new GenericContainer('postgis/postgis:15-3.4')
    .withEnvironment({ POSTGRES_PASSWORD: 'postgres', POSTGRES_DB: 'instainstru' })
    .withExposedPorts(5432)
    .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
    .start();
  const redis = await new GenericContainer('redis:7').withExposedPorts(6379).start();
  const kafka = await new GenericContainer('apache/kafka:3.9.1')
    .withExposedPorts({ container: 9092, host: 9092 })
    .withEnvironment({
      KAFKA_NODE_ID: '1',
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_LISTENERS: 'PLAINTEXT://:9092,CONTROLLER://:9093',
      KAFKA_ADVERTISED_LISTENERS: 'PLAINTEXT://127.0.0.1:9092',
      KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
      KAFKA_NUM_PARTITIONS: '3',
    })
    .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
    .start();
  const stripe = await new GenericContainer('stripe/stripe-mock:latest').withExposedPorts(12111).start();
  const emulator = await startStripeEmulatorProcess();
  const minio = await new GenericContainer('minio/minio:latest')
    .withCommand(['server', '/data'])
    .withEnvironment({ MINIO_ROOT_USER: OBJECT_STORAGE.accessKeyId, MINIO_ROOT_PASSWORD: OBJECT_STORAGE.secretAccessKey })
    .withExposedPorts(9000)
    .withWaitStrategy(Wait.forHttp('/minio/health/ready', 9000))
    .start();
  Object.assign(process.env, {
    PGHOST: postgres.getHost(),
    PGPORT: String(postgres.getMappedPort(5432)),
    REDIS_URL: `redis://${redis.getHost()}:${redis.getMappedPort(6379)}`,
    KAFKA_BROKERS: '127.0.0.1:9092',
    // As scripts/infra/env.sh: the services call the emulator; stripe-mock serves the contract test.
    STRIPE_MOCK_URL: `http://${stripe.getHost()}:${stripe.getMappedPort(12111)}`,
    STRIPE_EMULATOR_URL: emulator.url,
    STRIPE_API_BASE: emulator.url,
    S3_ENDPOINT: `http://${minio.getHost()}:${minio.getMappedPort(9000)}`,
  });
  return {
    mode: 'containers',
    stop: async () => {
      await Promise.all([...[postgres, redis, kafka, stripe, minio].map((c) => c.stop()), emulator.stop()]);
    },
  };
}
