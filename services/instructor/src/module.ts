import { join } from 'node:path';
import { buildSubgraph, createStripeClient, loadTypeDefs, type Caller, type ServiceDeps, type ServiceModule, type SubgraphServer, type Worker } from '@instainstru/platform';
import type { InstructorContext } from './context';
import { InstructorProfiles } from './domain/instructor-profiles.service';
import type { InstructorDomainDeps } from './domain/instructor.ports';
import type { InstructorProfile } from './domain/instructor.types';
import { LiveStatus } from './domain/live-status.service';
import { OfferedServices } from './domain/offered-services.service';
import { factsOf, onboardingStatus, type OnboardingStatus } from './domain/onboarding.rules';
import { ProfileEditing } from './domain/profile-editing.service';
import { ProviderNotifications } from './domain/provider-notifications.service';
import { Verification } from './domain/verification.service';
import { STRIPE_WEBHOOK_PATH, stripeWebhookRoute } from './http/stripe-webhook.route';
import { geocoderFor, TzLookupTimezones } from './infra/geocoding';
import { PostgresInstructorRepository } from './infra/instructor.repository';
import { republishInstructorState, republishPayoutAccounts } from './infra/maintenance/republish-state';
import { demoInstructors, seedInstructors, type SeedCatalogService, type SeedInstructorsOptions, type SeedInstructorsResult } from './infra/seed/seed-instructors';
import { S3DocumentStorage } from './infra/storage/s3-document-storage';
import { StripeConnectPayoutAccounts, StripeIdentityVerifier } from './infra/stripe/stripe.adapters';
import { StripeWebhookVerifier } from './infra/stripe/stripe-webhook.verifier';
import { loadInstructorConfig, type InstructorConfig } from './instructor.config';
import { uploadExpiryJob } from './jobs/upload-expiry.job';
import { resolvers } from './resolvers';

export type { InstructorProfile } from './domain/instructor.types';
export type { OnboardingStatus } from './domain/onboarding.rules';

const typeDefs = loadTypeDefs(join(__dirname, '..'));

export interface InstructorModuleOptions {
  /** The service's own settings (Stripe, object storage, geocoding, upload windows); by default read from the environment. Tests narrow the upload windows here. */
  config?: InstructorConfig;
}

export interface InstructorModule extends ServiceModule {
  /** The settings the module runs with. */
  readonly config: InstructorConfig;
  /** Creates the demo instructors through the domain, referring to the catalog's services; running it again changes nothing. */
  seed(services: SeedCatalogService[], options?: SeedInstructorsOptions): Promise<SeedInstructorsResult>;
  /** Publishes every instructor's current state again (same revisions), for a read model that missed the events. */
  republishState(batchSize?: number): Promise<number>;
  /** Publishes every instructor's Connect state again on the private channel (booking's payout accounts), at the revisions it has. */
  republishPayoutAccounts(batchSize?: number): Promise<number>;
  /** Instructors as stored, each with the onboarding status the API reports for them (tests check what a seed created); unknown ids are left out. */
  profilesWithOnboarding(ids: readonly string[]): Promise<{ profile: InstructorProfile; onboarding: OnboardingStatus }[]>;
}

/** The instructor service: profiles, offered services, verification and going live, with its Stripe webhook and the sweep of unconfirmed uploads. */
export function createInstructorModule(deps: ServiceDeps, options: InstructorModuleOptions = {}): InstructorModule {
  const config = options.config ?? loadInstructorConfig();
  return {
    config,

    /** The instructor subgraph and its Stripe webhook; it does not listen. */
    subgraph(): Promise<SubgraphServer> {
      const stripe = stripeClient(config);
      const domain = instructorDomain(deps, config, stripe);
      const verifier = new StripeWebhookVerifier(stripe, config.stripe.webhookSecret, config.stripe.webhookToleranceSeconds);
      const notifications = new ProviderNotifications(domain);
      return buildSubgraph<InstructorContext>(deps, {
        typeDefs,
        resolvers: resolvers as never,
        context: (caller) => instructorContext(domain, caller),
        routes: {
          [STRIPE_WEBHOOK_PATH]: stripeWebhookRoute({
            verify: (body, signature) => verifier.verify(body, signature),
            apply: (notification) => notifications.apply(notification),
            logger: deps.logger.child({ component: 'stripe-webhook' }),
          }),
        },
      });
    },

    /** The worker role's jobs besides the outbox relay: the sweep of uploads never confirmed. */
    workers(): Worker[] {
      const domain = instructorDomain(deps, config);
      return [uploadExpiryJob(domain, config.uploads.sweepIntervalMs, deps.logger.child({ component: 'upload-expiry' }))];
    },

    /** Opens the configured object storage for the demo documents, and closes it after. */
    async seed(services, seedOptions) {
      const storage = new S3DocumentStorage(config.s3);
      try {
        return await seedInstructors({ db: deps.db, outbox: deps.outbox, storage }, services, seedOptions);
      } finally {
        storage.close();
      }
    },
    republishState: (batchSize) => republishInstructorState(deps.db, deps.outbox, batchSize),
    republishPayoutAccounts: (batchSize) => republishPayoutAccounts(deps.db, deps.outbox, batchSize),
    async profilesWithOnboarding(ids) {
      const repository = new PostgresInstructorRepository(deps.db, deps.outbox);
      const [profiles, offered] = await Promise.all([repository.findByIds(ids), repository.offeredServicesOf(ids)]);
      return profiles.map((profile) => ({ profile, onboarding: onboardingStatus(factsOf(profile, offered.filter((o) => o.instructorId === profile.id).length)) }));
    },
  };
}

/** The use cases acting for one caller. */
function instructorContext(domain: InstructorDomainDeps, caller: Caller): InstructorContext {
  return {
    caller,
    profiles: new InstructorProfiles(domain.repository, domain.storage, caller),
    profileEditing: new ProfileEditing(domain, caller),
    offeredServices: new OfferedServices(domain, caller),
    verification: new Verification(domain, caller),
    liveStatus: new LiveStatus(domain, caller),
  };
}

/** The production adapters: Postgres, S3, Stripe, the configured geocoder. */
/** The official SDK, pointed at STRIPE_API_BASE (api.stripe.com in production, the project's Stripe emulator locally). */
const stripeClient = (config: InstructorConfig) =>
  createStripeClient({ apiBase: config.stripe.apiBase, secretKey: config.stripe.secretKey, appName: 'instainstru-instructor' });

function instructorDomain(deps: ServiceDeps, config: InstructorConfig, stripe = stripeClient(config)): InstructorDomainDeps {
  const logger = deps.logger.child({ component: 'instructor-domain' });
  const stripeFailed = (err: unknown, operation: string) => logger.error({ err, operation }, 'Stripe call failed');
  const storage = new S3DocumentStorage(config.s3, (err) => logger.error({ err }, 'object storage failed'));
  deps.onClose(() => storage.close());
  return {
    repository: new PostgresInstructorRepository(deps.db, deps.outbox),
    geocoder: geocoderFor(config.geocoder, (err) => logger.error({ err }, 'geocoding provider failed')),
    timezones: new TzLookupTimezones(),
    storage,
    identity: new StripeIdentityVerifier(stripe, stripeFailed),
    payouts: new StripeConnectPayoutAccounts(stripe, stripeFailed),
    appUrl: config.appUrl,
    uploadTtlMs: config.uploads.ttlMs,
    uploadsPerHour: config.uploads.perHour,
    warn: (message, details) => logger.warn(details, message),
    now: () => new Date(),
  };
}

/** The demo instructors the seed would create, without writing them (deterministic for a seed and catalog). */
export { demoInstructors };
/** The settings tests start from before narrowing them. */
export { loadInstructorConfig };
export type { InstructorConfig, SeedCatalogService, SeedInstructorsOptions, SeedInstructorsResult };
