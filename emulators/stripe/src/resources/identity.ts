import { invalidRequest } from '../errors';
import { changes, emit, snapshot } from '../events';
import { clientSecret, newId } from '../ids';
import { newestFirst, paginate } from '../lists';
import { allowOnly, mergeMetadata, metadataOf, record, str } from '../params';
import { route, type Ctx, type Route } from '../router';
import type { VerificationSession } from '../types';
import type { World } from '../world';

const SESSION = 'identity.verification_session';

function create(ctx: Ctx): VerificationSession {
  const { world, params } = ctx;
  allowOnly(params, ['type', 'options', 'metadata', 'return_url', 'client_reference_id', 'verification_flow', 'provided_details', 'related_customer', 'related_person']);
  const type = str(params, 'type', { oneOf: ['document', 'id_number'] });
  if (!type && !str(params, 'verification_flow')) throw invalidRequest('Missing required param: type.', { code: 'parameter_missing', param: 'type' });
  const id = newId('vs');
  const session: VerificationSession = {
    id,
    object: SESSION,
    client_reference_id: str(params, 'client_reference_id') ?? null,
    client_secret: clientSecret(id),
    created: world.now(),
    last_error: null,
    last_verification_report: null,
    livemode: false,
    metadata: metadataOf(params),
    options: (record(params, 'options') as Record<string, unknown>) ?? {},
    provided_details: null,
    redaction: null,
    related_customer: str(params, 'related_customer') ?? null,
    status: 'requires_input',
    type: (type ?? 'verification_flow') as VerificationSession['type'],
    url: `${ctx.baseUrl}/_emulator/identity/verify/${id}`,
    verified_outputs: null,
  };
  const returnUrl = str(params, 'return_url');
  if (returnUrl) session.return_url = returnUrl;
  normaliseOptions(session);
  world.put(session);
  emit(world, 'identity.verification_session.created', session);
  return session;
}

/** Form values come as strings; Stripe returns booleans. */
function normaliseOptions(session: VerificationSession): void {
  const walk = (value: unknown): unknown => {
    if (value === 'true') return true;
    if (value === 'false') return false;
    if (value && typeof value === 'object' && !Array.isArray(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v)]));
    return value;
  };
  session.options = walk(session.options) as Record<string, unknown>;
}

export function verifySession(world: World, session: VerificationSession): VerificationSession {
  if (session.status !== 'requires_input' && session.status !== 'processing') {
    throw invalidRequest(`This VerificationSession has a status of ${session.status} and cannot be verified.`, { code: 'verification_session_unexpected_state' });
  }
  const before = snapshot(session);
  session.status = 'verified';
  session.last_error = null;
  session.last_verification_report = newId('vr');
  session.verified_outputs = {
    address: { city: 'Brooklyn', country: 'US', line1: '1 Emulator Street', line2: null, postal_code: '11201', state: 'NY' },
    dob: { day: 1, month: 1, year: 1990 },
    first_name: 'Jenny',
    id_number_type: null,
    last_name: 'Rosen',
  };
  session.client_secret = null;
  session.url = null;
  emit(world, 'identity.verification_session.verified', session, { previous: changes(before, session) });
  return session;
}

export function failSession(world: World, session: VerificationSession, code: string): VerificationSession {
  if (session.status !== 'requires_input' && session.status !== 'processing') {
    throw invalidRequest(`This VerificationSession has a status of ${session.status}.`, { code: 'verification_session_unexpected_state' });
  }
  const before = snapshot(session);
  session.status = 'requires_input';
  session.last_error = { code, reason: 'The document could not be verified (emulated failure).' };
  emit(world, 'identity.verification_session.requires_input', session, { previous: changes(before, session) });
  return session;
}

function cancel({ world, params, path }: Ctx): VerificationSession {
  allowOnly(params, ['expand']);
  const session = world.get<VerificationSession>(SESSION, path.id!, 'session');
  if (session.status !== 'requires_input') {
    throw invalidRequest(`You cannot cancel this VerificationSession because it has a status of ${session.status}.`, { code: 'verification_session_unexpected_state' });
  }
  const before = snapshot(session);
  session.status = 'canceled';
  session.client_secret = null;
  session.url = null;
  emit(world, 'identity.verification_session.canceled', session, { previous: changes(before, session) });
  return session;
}

export const identityRoutes: Route[] = [
  route('POST', '/v1/identity/verification_sessions', create),
  route('GET', '/v1/identity/verification_sessions', ({ world, params }) => {
    allowOnly(params, ['status', 'limit', 'starting_after', 'ending_before', 'created', 'client_reference_id']);
    const status = str(params, 'status');
    return paginate(newestFirst(world.all<VerificationSession>(SESSION).filter((s) => !status || s.status === status)), params, '/v1/identity/verification_sessions');
  }),
  route('GET', '/v1/identity/verification_sessions/:id', ({ world, path }) => world.get<VerificationSession>(SESSION, path.id!, 'session')),
  route('POST', '/v1/identity/verification_sessions/:id', ({ world, params, path }) => {
    allowOnly(params, ['metadata', 'options', 'type']);
    const session = world.get<VerificationSession>(SESSION, path.id!, 'session');
    session.metadata = mergeMetadata(session.metadata, params);
    return session;
  }),
  route('POST', '/v1/identity/verification_sessions/:id/cancel', cancel),
];
