import type { PartnerKey } from '@instainstru/platform';
import type { BucketState } from './rate-limits/cost-buckets';
import type { GatewayContext } from './signed-data-source';

/** Everything the gateway knows about one request while it plans and runs it. */
export interface GatewayRequestContext extends GatewayContext {
  /** The client's address (the socket's, or the trusted proxy's forwarded one): anonymous callers' bucket. */
  clientAddress: string;
  /** The partner whose API key came with the request. */
  partner?: PartnerKey;
  /** Filled in once the operation is priced; answered in `extensions.cost`. */
  cost?: CostReport;
}

/** What `extensions.cost` says on every answer (Shopify's calculated query cost, by name). */
export interface CostReport {
  requestedQueryCost: number;
  maximumQueryCost: number;
  throttleStatus?: BucketState;
}
