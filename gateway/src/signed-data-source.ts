import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { injectContext, signCaller, type Caller } from '@instainstru/platform';

export interface GatewayContext {
  caller: Caller;
}

/**
 * Calls one subgraph with the caller in a signed, timestamped header (and the trace context), so
 * the subgraph trusts who is calling without re-verifying the user's token.
 */
export class SignedSubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    url: string,
    private readonly signingSecret: string,
  ) {
    super({ url, fetcher: fetch as never });
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const headers = request.http?.headers;
    if (!headers) return;
    const caller: Caller = 'caller' in context && context.caller ? context.caller : { userId: null, roles: [], requestId: '' };
    for (const [name, value] of Object.entries(signCaller(caller, this.signingSecret))) headers.set(name, value);
    for (const [name, value] of Object.entries(injectContext())) headers.set(name, value);
    if (caller.requestId) headers.set('x-request-id', caller.requestId);
  }
}
