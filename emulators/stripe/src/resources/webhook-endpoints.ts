import { invalidRequest } from '../errors';
import { API_VERSION } from '../events';
import { newId, randomToken } from '../ids';
import { newestFirst, paginate } from '../lists';
import { allowOnly, bool, list, mergeMetadata, metadataOf, requiredStr, str, type Params } from '../params';
import { route, type Ctx, type Route } from '../router';
import type { WebhookEndpoint } from '../types';
import type { World } from '../world';

/** Registers an endpoint; `connect` ones receive the events of connected accounts. Returns it with its secret. */
export function registerEndpoint(world: World, input: { url: string; events: string[]; connect: boolean; secret?: string; description?: string | null; metadata?: Record<string, string> }): WebhookEndpoint {
  try {
    new URL(input.url);
  } catch {
    throw invalidRequest(`Invalid URL: ${input.url}`, { code: 'url_invalid', param: 'url' });
  }
  const secret = input.secret ?? `whsec_${randomToken(32)}`;
  const endpoint: WebhookEndpoint = {
    id: newId('we'),
    object: 'webhook_endpoint',
    api_version: API_VERSION,
    application: null,
    created: world.now(),
    description: input.description ?? null,
    enabled_events: input.events,
    livemode: false,
    metadata: input.metadata ?? {},
    status: 'enabled',
    url: input.url,
  };
  world.put(endpoint);
  world.endpoints.set(endpoint.id, { secret, connect: input.connect });
  return { ...endpoint, secret };
}

function eventsOf(params: Params, required: boolean): string[] | undefined {
  const events = list(params, 'enabled_events');
  if (!events?.length && required) throw invalidRequest('Missing required param: enabled_events.', { code: 'parameter_missing', param: 'enabled_events' });
  return events;
}

function create({ world, params }: Ctx): WebhookEndpoint {
  allowOnly(params, ['url', 'enabled_events', 'connect', 'description', 'metadata', 'api_version']);
  return registerEndpoint(world, {
    url: requiredStr(params, 'url'),
    events: eventsOf(params, true)!,
    connect: bool(params, 'connect') ?? false,
    description: str(params, 'description') ?? null,
    metadata: metadataOf(params),
  });
}

function update({ world, params, path }: Ctx): WebhookEndpoint {
  allowOnly(params, ['url', 'enabled_events', 'description', 'metadata', 'disabled']);
  const endpoint = world.get<WebhookEndpoint>('webhook_endpoint', path.id!);
  const url = str(params, 'url');
  if (url) endpoint.url = url;
  const events = eventsOf(params, false);
  if (events) endpoint.enabled_events = events;
  const disabled = bool(params, 'disabled');
  if (disabled !== undefined) endpoint.status = disabled ? 'disabled' : 'enabled';
  endpoint.metadata = mergeMetadata(endpoint.metadata, params);
  return endpoint;
}

export const webhookEndpointRoutes: Route[] = [
  route('POST', '/v1/webhook_endpoints', create),
  route('GET', '/v1/webhook_endpoints', ({ world, params }) => paginate(newestFirst(world.all<WebhookEndpoint>('webhook_endpoint')), params, '/v1/webhook_endpoints')),
  route('GET', '/v1/webhook_endpoints/:id', ({ world, path }) => world.get<WebhookEndpoint>('webhook_endpoint', path.id!)),
  route('POST', '/v1/webhook_endpoints/:id', update),
  route('DELETE', '/v1/webhook_endpoints/:id', ({ world, path }) => {
    const endpoint = world.get<WebhookEndpoint>('webhook_endpoint', path.id!);
    world.objects.delete(endpoint.id);
    world.endpoints.delete(endpoint.id);
    return { id: endpoint.id, object: 'webhook_endpoint', deleted: true };
  }),
];
