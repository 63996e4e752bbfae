import type { PartnerKey } from '@instainstru/platform';
import type { CostReport } from './plugins/useOperationCost';
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
