import { buildSchema, parse } from 'graphql';
import { QueryCostModel, readCostDirectives } from './query-cost';

const SDL = `
  directive @listSize(assumedSize: Int, slicingArguments: [String!], sizedFields: [String!], requireOneSlicingArgument: Boolean = true) on FIELD_DEFINITION
  directive @cost(weight: Int!) on FIELD_DEFINITION
  type Category { id: ID! slug: String! services: [Service!]! @listSize(assumedSize: 50) }
  type Service { id: ID! name: String! synonyms: [String!]! category: Category! }
  type Edge { cursor: String! node: Service }
  type PageInfo { hasNextPage: Boolean! }
  type Connection { edges: [Edge!]! pageInfo: PageInfo! }
  type Query {
    categories: [Category!]! @listSize(assumedSize: 20)
    search(first: Int = 20): Connection! @listSize(slicingArguments: ["first"], sizedFields: ["edges"])
    slots(first: Int = 5): [Service!]! @listSize(slicingArguments: ["first"])
    undeclared: [Service!]!
    expensive: Service @cost(weight: 100)
    _entities(representations: [String!]!): [Service]!
  }
`;

const model = new QueryCostModel(buildSchema(SDL), readCostDirectives(parse(SDL)), { defaultListSize: 7 });
const cost = (query: string, variables?: Record<string, unknown>) => model.cost(parse(query), undefined, variables);

describe('operation cost with list sizes', () => {
  it('counts objects, not scalars', () => {
    expect(cost('{ expensive { id name } }')).toBe(100);
    expect(cost('{ categories { slug } }')).toBe(20);
  });

  it('multiplies a list by its declared size, nested lists by each other', () => {
    expect(cost('{ categories { services { name } } }')).toBe(20 * (1 + 50));
    expect(cost('{ categories { services { category { services { name } } } } }')).toBe(20 * (1 + 50 * (1 + 1 + 50)));
  });

  it('grows with every turn of the category → services cycle', () => {
    let inner = 'slug';
    let previous = cost(`{ categories { ${inner} } }`);
    for (let level = 0; level < 4; level += 1) {
      inner = `services { category { ${inner} } }`;
      const next = cost(`{ categories { ${inner} } }`);
      expect(next).toBeGreaterThan(previous * 50);
      previous = next;
    }
  });

  it('takes a slicing argument from the operation, its variables or its default', () => {
    expect(cost('{ slots(first: 3) { id } }')).toBe(3);
    expect(cost('query($n: Int) { slots(first: $n) { id } }', { n: 9 })).toBe(9);
    expect(cost('{ slots { id } }')).toBe(5);
  });

  it('prices a page larger than the page-size rule allows as the largest page (the service refuses it as INVALID_PAGE_SIZE)', () => {
    expect(cost('{ slots(first: 10000) { id } }')).toBe(50);
  });

  it('sizes a connection by `first` over its whole selection', () => {
    expect(cost('{ search(first: 50) { edges { node { name } } } }')).toBe(1 + 50 * (1 + 1));
    expect(cost('{ search { edges { node { category { slug } } } pageInfo { hasNextPage } } }')).toBe(1 + 20 * (1 + 1 + 1 + 1));
  });

  it('uses the default size for a list that declares none, and the representations for _entities', () => {
    expect(cost('{ undeclared { id } }')).toBe(7);
    expect(cost('query($r: [String!]!) { _entities(representations: $r) { ... on Service { name } } }', { r: ['a', 'b', 'c'] })).toBe(3);
  });

  it('counts fragments where they are spread and leaves out skipped selections', () => {
    expect(cost('{ categories { ...C } } fragment C on Category { services { id } }')).toBe(20 * 51);
    expect(cost('query($no: Boolean!) { categories @skip(if: $no) { id } expensive { id } }', { no: true })).toBe(100);
  });

  it('refuses variables that do not fit the operation', () => {
    expect(() => cost('query($n: Int!) { slots(first: $n) { id } }', { n: 'many' })).toThrow();
  });
});
