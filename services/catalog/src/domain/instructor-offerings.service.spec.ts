import { CatalogError } from './catalog.errors';
import type { InstructorOfferingsRepository, KidsServicesCache } from './instructor-offerings.ports';
import { decodeCursor, encodeCursor, InstructorDiscovery, pageSize } from './instructor-offerings.service';
import type { InstructorPageKey } from './instructor-offerings.types';

const key = (n: number): InstructorPageKey => ({ displayName: `Name ${n}`, instructorId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}` });

describe('cursors', () => {
  it('round-trips a page key', () => {
    expect(decodeCursor(encodeCursor(key(7)))).toEqual(key(7));
  });

  it.each([
    ['garbage', 'not a cursor'],
    ['valid base64 of non-JSON', Buffer.from('hello').toString('base64url')],
    ['the wrong shape', Buffer.from(JSON.stringify({ displayName: 'x' })).toString('base64url')],
    ['a non-uuid id', Buffer.from(JSON.stringify(['x', 'drop table'])).toString('base64url')],
    ['an oversized cursor', 'a'.repeat(401)],
  ])('refuses %s as INVALID_CURSOR', (_, cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(expect.objectContaining({ code: 'INVALID_CURSOR' }) as unknown as CatalogError);
  });
});

describe('page sizes', () => {
  it('defaults to 20 and accepts 1 to 50', () => {
    expect(pageSize(undefined)).toBe(20);
    expect(pageSize(1)).toBe(1);
    expect(pageSize(50)).toBe(50);
  });

  it.each([0, -1, 51, 1e9])('refuses %p as INVALID_PAGE_SIZE', (first) => {
    expect(() => pageSize(first)).toThrow(expect.objectContaining({ code: 'INVALID_PAGE_SIZE' }) as unknown as CatalogError);
  });
});

describe('instructorsForService pages', () => {
  const all = [1, 2, 3, 4, 5].map(key);
  const reader: InstructorOfferingsRepository = {
    kidsAvailableServices: async () => [],
    liveInstructorsForService: async (_serviceId, _kids, after, limit) =>
      all.filter((k) => !after || k.displayName > after.displayName || (k.displayName === after.displayName && k.instructorId > after.instructorId)).slice(0, limit),
  };
  const cache: KidsServicesCache = { get: (compute) => compute(), invalidate: async () => undefined };
  const discovery = new InstructorDiscovery(reader, cache);

  it('walks every instructor once, and says when there is no next page', async () => {
    const first = await discovery.instructorsForService('s', 'ALL', 2, null);
    expect(first.edges.map((e) => e.node.id)).toEqual([all[0]!.instructorId, all[1]!.instructorId]);
    expect(first.pageInfo).toEqual({ hasNextPage: true, endCursor: first.edges[1]!.cursor });
    const second = await discovery.instructorsForService('s', 'ALL', 3, first.pageInfo.endCursor);
    expect(second.edges.map((e) => e.node.id)).toEqual(all.slice(2).map((k) => k.instructorId));
    expect(second.pageInfo.hasNextPage).toBe(false);
  });
});
