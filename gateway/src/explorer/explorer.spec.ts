import type { IncomingMessage } from 'node:http';
import { createExplorer } from './explorer';

const explorer = createExplorer({ graphqlPath: '/graphql' });

const request = (method: string, url: string, accept?: string) =>
  ({ method, url, headers: accept === undefined ? {} : { accept } }) as IncomingMessage;

/** What browsers send when the address bar opens a page. */
const BROWSERS = {
  chromium: 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7',
  firefox: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
  safari: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
};

describe('which requests get the explorer', () => {
  it.each(Object.entries(BROWSERS))('a %s tab opening /graphql gets the explorer', (_browser, accept) => {
    expect(explorer.wantsExplorer(request('GET', '/graphql', accept))).toBe(true);
    expect(explorer.wantsExplorer(request('HEAD', '/graphql', accept))).toBe(true);
  });

  it.each([
    ['a GraphQL client preferring graphql-response+json', 'application/graphql-response+json, application/json;q=0.9'],
    ['a client asking for JSON', 'application/json'],
    ['curl or fetch(), accepting anything', '*/*'],
    ['a client that likes both the same', 'text/html, application/json'],
    ['a client that likes HTML less', 'text/html;q=0.5, application/json'],
    ['a client that refuses HTML', 'text/html;q=0, */*'],
  ])('%s gets GraphQL', (_who, accept) => {
    expect(explorer.wantsExplorer(request('GET', '/graphql', accept))).toBe(false);
  });

  it('a GraphQL GET (?query=) gets GraphQL even from a browser tab', () => {
    expect(explorer.wantsExplorer(request('GET', '/graphql?query=%7B__typename%7D', BROWSERS.chromium))).toBe(false);
  });

  it('only a GET or HEAD of the GraphQL path itself, with an Accept header', () => {
    expect(explorer.wantsExplorer(request('POST', '/graphql', BROWSERS.chromium))).toBe(false);
    expect(explorer.wantsExplorer(request('GET', '/graphql/', BROWSERS.chromium))).toBe(false);
    expect(explorer.wantsExplorer(request('GET', '/', BROWSERS.chromium))).toBe(false);
    expect(explorer.wantsExplorer(request('GET', '/graphql'))).toBe(false);
  });
});

describe('the explorer routes', () => {
  it('are a short fixed list of exact paths under <graphql path>/explorer/', () => {
    expect(Object.keys(explorer.routes).sort()).toEqual([
      '/graphql/explorer/editor.worker.js',
      '/graphql/explorer/graphiql.css',
      '/graphql/explorer/graphiql.js',
      '/graphql/explorer/graphql.worker.js',
      '/graphql/explorer/json.worker.js',
      '/graphql/explorer/start-explorer.js',
    ]);
  });
});
