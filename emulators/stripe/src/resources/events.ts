import { resourceMissing } from '../errors';
import { newestFirst, paginate } from '../lists';
import { allowOnly, int, list as listParam, str } from '../params';
import { route, type Ctx, type Route } from '../router';
import type { StripeEvent } from '../types';
import { matchesEventType } from '../webhooks';

/** Events of the platform, or of the connected account named by Stripe-Account; newest first. */
function list({ world, params, account }: Ctx) {
  allowOnly(params, ['type', 'types', 'limit', 'starting_after', 'ending_before', 'created', 'delivery_success']);
  const types = listParam(params, 'types') ?? (str(params, 'type') ? [str(params, 'type')!] : undefined);
  const createdGte = int(params, 'created[gte]');
  const createdGt = int(params, 'created[gt]');
  const createdLte = int(params, 'created[lte]');
  const createdLt = int(params, 'created[lt]');
  const created = int(params, 'created');
  const items = world.events.filter(
    (e) =>
      (e.account ?? null) === account &&
      (!types || types.some((t) => matchesEventType(t, e.type))) &&
      (created === undefined || e.created === created) &&
      (createdGte === undefined || e.created >= createdGte) &&
      (createdGt === undefined || e.created > createdGt) &&
      (createdLte === undefined || e.created <= createdLte) &&
      (createdLt === undefined || e.created < createdLt),
  );
  return paginate(newestFirst(items), params, '/v1/events');
}

export const eventRoutes: Route[] = [
  route('GET', '/v1/events', list),
  route('GET', '/v1/events/:id', ({ world, path, account }) => {
    const event = world.get<StripeEvent>('event', path.id!);
    if ((event.account ?? null) !== account) throw resourceMissing('event', event.id);
    return event;
  }),
];
