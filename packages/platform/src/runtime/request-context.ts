import { AsyncLocalStorage } from 'node:async_hooks';
import type { Caller } from '../http/caller';

export interface RequestScope {
  requestId: string;
  caller?: Caller;
}

/** Request id (and caller) for the work in flight, so logs carry it without threading it by hand. */
export const requestScope = new AsyncLocalStorage<RequestScope>();

export function currentRequestId(): string | undefined {
  return requestScope.getStore()?.requestId;
}
