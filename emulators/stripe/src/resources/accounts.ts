import { brandLabel } from '../cards';
import { invalidRequest } from '../errors';
import { changes, emit, snapshot } from '../events';
import { newId } from '../ids';
import { newestFirst, paginate } from '../lists';
import { allowOnly, mergeMetadata, metadataOf, record, requiredStr, str } from '../params';
import { Raw, route, type Ctx, type Route } from '../router';
import type { Account, AccountLink, ExternalCard, Requirements } from '../types';
import type { World } from '../world';

const ONBOARDING_FIELDS = [
  'business_profile.mcc',
  'business_profile.url',
  'external_account',
  'individual.address.city',
  'individual.address.line1',
  'individual.address.postal_code',
  'individual.address.state',
  'individual.dob.day',
  'individual.dob.month',
  'individual.dob.year',
  'individual.email',
  'individual.first_name',
  'individual.last_name',
  'individual.phone',
  'individual.ssn_last_4',
  'tos_acceptance.date',
  'tos_acceptance.ip',
];

const requirements = (due: string[]): Requirements => ({
  alternatives: [],
  current_deadline: null,
  currently_due: [...due],
  disabled_reason: due.length ? 'requirements.past_due' : null,
  errors: [],
  eventually_due: [...due],
  past_due: [...due],
  pending_verification: [],
});

/** The instant-eligible debit card every new emulated account pays out to. */
function defaultExternalAccount(world: World, accountId: string): ExternalCard {
  const now = new Date(world.clock.nowMs());
  return {
    id: newId('card'),
    object: 'card',
    account: accountId,
    available_payout_methods: ['standard', 'instant'],
    brand: brandLabel('visa'),
    country: 'US',
    currency: 'usd',
    default_for_currency: true,
    exp_month: 12,
    exp_year: now.getUTCFullYear() + 4,
    fingerprint: world.fingerprint(`payout:${accountId}`),
    funding: 'debit',
    last4: '5556',
    metadata: {},
    status: 'new',
  };
}

/** The connected account named by the Stripe-Account header or a path, refused if it is not one of this world's. */
export function connectedAccount(world: World, id: string): Account {
  const account = world.find<Account>(id, 'account');
  if (!account || (account as { deleted?: boolean }).deleted) {
    throw invalidRequest(`The provided key does not have access to account '${id}' (or that account does not exist). Application access may have been revoked.`, {
      code: 'account_invalid',
      status: 403,
    });
  }
  return account;
}

/** What the hosted onboarding does: details submitted, charges and payouts enabled (account.updated). */
export function completeOnboarding(world: World, account: Account): Account {
  const before = snapshot(account);
  account.details_submitted = true;
  account.charges_enabled = true;
  account.payouts_enabled = true;
  for (const key of Object.keys(account.capabilities)) account.capabilities[key] = 'active';
  account.requirements = requirements([]);
  account.future_requirements = requirements([]);
  account.tos_acceptance = { date: world.now(), ip: '127.0.0.1', user_agent: 'stripe-emulator' };
  const previous = changes(before, account);
  if (Object.keys(previous).length) emit(world, 'account.updated', account, { account: account.id, previous });
  return account;
}

function create({ world, params }: Ctx, fixedId?: string): Account {
  allowOnly(params, ['type', 'country', 'email', 'capabilities', 'business_type', 'metadata', 'business_profile', 'controller', 'settings', 'tos_acceptance', 'default_currency', 'individual', 'company']);
  const type = str(params, 'type', { oneOf: ['express', 'standard', 'custom'] });
  if (!type && params.controller === undefined) throw invalidRequest('Missing required param: type.', { code: 'parameter_missing', param: 'type' });
  const id = fixedId ?? newId('acct');
  const capabilities: Account['capabilities'] = {};
  for (const [name, value] of Object.entries(record(params, 'capabilities') ?? {})) {
    if ((value as { requested?: string })?.requested === 'true') capabilities[name] = 'inactive';
  }
  const external = defaultExternalAccount(world, id);
  const account: Account = {
    id,
    object: 'account',
    business_profile: { mcc: null, name: null, product_description: null, support_email: null, support_phone: null, support_url: null, url: null, ...(record(params, 'business_profile') ?? {}) },
    business_type: str(params, 'business_type', { oneOf: ['individual', 'company', 'non_profit', 'government_entity'] }) ?? null,
    capabilities,
    charges_enabled: false,
    controller: {
      fees: { payer: 'application' },
      is_controller: true,
      losses: { payments: 'application' },
      requirement_collection: 'stripe',
      stripe_dashboard: { type: type === 'standard' ? 'full' : type === 'custom' ? 'none' : 'express' },
      type: 'application',
    },
    country: (str(params, 'country') ?? 'US').toUpperCase(),
    created: world.now(),
    default_currency: str(params, 'default_currency') ?? 'usd',
    details_submitted: false,
    email: str(params, 'email') ?? null,
    external_accounts: { object: 'list', data: [external], has_more: false, total_count: 1, url: `/v1/accounts/${id}/external_accounts` },
    future_requirements: requirements([]),
    metadata: metadataOf(params),
    payouts_enabled: false,
    requirements: requirements(ONBOARDING_FIELDS),
    settings: {
      payouts: { debit_negative_balances: true, schedule: { delay_days: 2, interval: 'daily' }, statement_descriptor: null },
      card_payments: { statement_descriptor_prefix: null },
      dashboard: { display_name: null, timezone: 'Etc/UTC' },
    },
    tos_acceptance: { date: null, ip: null, user_agent: null },
    type: (type ?? 'custom') as Account['type'],
  };
  return world.put(account);
}

/**
 * An onboarded Express account with the id given (the local demo's seeded instructors have ids made
 * before the emulator ran; adopting them lets them be paid). An existing account is left as it is.
 */
export function adoptAccount(ctx: Ctx, id: string): Account {
  const existing = ctx.world.all<Account>('account').find((a) => a.id === id);
  if (existing) return existing;
  const params = { type: 'express', capabilities: { card_payments: { requested: 'true' }, transfers: { requested: 'true' } } };
  return completeOnboarding(ctx.world, create({ ...ctx, params } as Ctx, id));
}

function update({ world, params, path }: Ctx): Account {
  allowOnly(params, ['email', 'capabilities', 'business_type', 'metadata', 'business_profile', 'settings', 'tos_acceptance', 'default_currency', 'individual', 'company']);
  const account = connectedAccount(world, path.id!);
  const before = snapshot(account);
  account.metadata = mergeMetadata(account.metadata, params);
  const email = str(params, 'email');
  if (email !== undefined) account.email = email;
  const businessType = str(params, 'business_type');
  if (businessType !== undefined) account.business_type = businessType;
  const profile = record(params, 'business_profile');
  if (profile) account.business_profile = { ...account.business_profile, ...profile };
  for (const [name, value] of Object.entries(record(params, 'capabilities') ?? {})) {
    const requested = (value as { requested?: string })?.requested;
    if (requested === 'true' && !account.capabilities[name]) account.capabilities[name] = account.details_submitted ? 'active' : 'inactive';
    if (requested === 'false') delete account.capabilities[name];
  }
  const previous = changes(before, account);
  if (Object.keys(previous).length) emit(world, 'account.updated', account, { account: account.id, previous });
  return account;
}

function remove({ world, params, path }: Ctx): unknown {
  allowOnly(params, []);
  const account = connectedAccount(world, path.id!);
  (account as unknown as { deleted: boolean }).deleted = true;
  return { id: account.id, object: 'account', deleted: true };
}

function list({ world, params }: Ctx) {
  allowOnly(params, ['limit', 'starting_after', 'ending_before', 'created']);
  const items = world.all<Account>('account').filter((a) => !(a as { deleted?: boolean }).deleted);
  return paginate(newestFirst(items), params, '/v1/accounts');
}

function createLink(ctx: Ctx): AccountLink {
  const { world, params } = ctx;
  allowOnly(params, ['account', 'type', 'refresh_url', 'return_url', 'collect', 'collection_options']);
  const account = world.get<Account>('account', requiredStr(params, 'account'), 'account');
  requiredStr(params, 'type', ['account_onboarding', 'account_update']);
  const returnUrl = str(params, 'return_url');
  const query = returnUrl ? `?return_url=${encodeURIComponent(returnUrl)}` : '';
  const now = world.now();
  return { object: 'account_link', created: now, expires_at: now + 300, url: `${ctx.baseUrl}/_emulator/connect/onboard/${account.id}${query}` };
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A page that stands for a hosted Stripe flow: it did its job; links back to return_url if any. */
export function donePage(title: string, detail: string, returnUrl: string | undefined): Raw {
  const link = returnUrl ? `<p><a id="return" href="${escapeHtml(returnUrl)}">Return to the platform</a></p>` : '';
  return new Raw(
    200,
    `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(detail)}</p>${link}</body></html>`,
    'text/html; charset=utf-8',
  );
}

export const accountRoutes: Route[] = [
  route('POST', '/v1/accounts', create),
  route('GET', '/v1/accounts', list),
  route('GET', '/v1/account', ({ world, account }) => (account ? connectedAccount(world, account) : { id: `acct_platform_${world.key}`.slice(0, 40), object: 'account', type: 'standard', charges_enabled: true, payouts_enabled: true, details_submitted: true, country: 'US', default_currency: 'usd' })),
  route('GET', '/v1/accounts/:id', ({ world, path }) => connectedAccount(world, path.id!)),
  route('POST', '/v1/accounts/:id', update),
  route('DELETE', '/v1/accounts/:id', remove),
  route('GET', '/v1/accounts/:id/external_accounts', ({ world, params, path }) => paginate(connectedAccount(world, path.id!).external_accounts.data, params, `/v1/accounts/${path.id}/external_accounts`)),
  route('POST', '/v1/account_links', createLink),
];
