import { join } from 'node:path';
import { buildSubgraph, loadTypeDefs, type Caller, type ServiceDeps, type SubgraphServer, type Worker } from '@instainstru/platform';
import type { InstructorContext } from './context';
import { InstructorProfiles } from './domain/instructor-profiles.service';
import type { InstructorDomainDeps } from './domain/instructor.ports';
import { LiveStatus } from './domain/live-status.service';
import { OfferedServices } from './domain/offered-services.service';
import { ProfileEditing } from './domain/profile-editing.service';
import { ProviderNotifications } from './domain/provider-notifications.service';
import { Verification } from './domain/verification.service';
import { geocoderFor, TzLookupTimezones } from './infra/geocoding';
import { PostgresInstructorRepository } from './infra/instructor.repository';
import { S3DocumentStorage } from './infra/storage/s3-document-storage';
import { StripeConnectPayoutAccounts, StripeIdentityVerifier } from './infra/stripe/stripe.adapters';
import { createStripeClient } from './infra/stripe/stripe-client';
import { StripeWebhookVerifier } from './infra/stripe/stripe-webhook.verifier';
import type { InstructorConfig } from './instructor.config';
import { uploadExpiryJob } from './jobs/upload-expiry.job';
import { resolvers } from './resolvers';
import { STRIPE_WEBHOOK_PATH, stripeWebhookRoute } from './http/stripe-webhook.route';

const typeDefs = loadTypeDefs(join(__dirname, '..'));

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
function instructorDomain(deps: ServiceDeps, config: InstructorConfig, stripe = createStripeClient(config.stripe)): InstructorDomainDeps {
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

/** The worker role's jobs besides the outbox relay: the sweep of uploads never confirmed. */
export function instructorWorkers(deps: ServiceDeps, config: InstructorConfig): Worker[] {
  const domain = instructorDomain(deps, config);
  return [uploadExpiryJob(domain, config.uploads.sweepIntervalMs, deps.logger.child({ component: 'upload-expiry' }))];
}

/** Builds the instructor subgraph and its Stripe webhook; it does not listen. Reached through `createInstructorModule` (module.ts). */
export function buildInstructorServer(deps: ServiceDeps, config: InstructorConfig): Promise<SubgraphServer> {
  const stripe = createStripeClient(config.stripe);
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
}
