import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { resolve } from 'node:path';

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
    STRIPE_API_BASE: `http://${stripe.getHost()}:${stripe.getMappedPort(12111)}`,
    S3_ENDPOINT: `http://${minio.getHost()}:${minio.getMappedPort(9000)}`,
  });
  return {
    mode: 'containers',
    stop: async () => {
      await Promise.all([postgres, redis, kafka, stripe, minio].map((c) => c.stop()));
    },
  };
}
