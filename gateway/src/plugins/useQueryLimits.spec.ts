import { buildSchema, parse, validate } from 'graphql';
import { useQueryLimits } from './useQueryLimits';

const schema = buildSchema(`
  type Query { node: Node }
  type Node { id: ID! child: Node name: String }
`);
const limits = { maxDepth: 4, maxAliases: 2, maxFields: 10 };

function errorsOf(query: string): string[] {
  return validate(schema, parse(query), [useQueryLimits(limits)]).map((e) => e.message);
}

describe('query limits', () => {
  it('accepts an operation within every limit', () => {
    expect(errorsOf('{ node { id child { id child { name } } } }')).toEqual([]);
  });

  it('refuses depth beyond the limit, also through fragments', () => {
    expect(errorsOf('{ node { child { child { child { child { id } } } } } }')).toEqual(['Query depth exceeds the limit of 4']);
    expect(errorsOf('{ node { ...A } } fragment A on Node { child { child { child { child { id } } } } }')).toEqual(['Query depth exceeds the limit of 4']);
  });

  it('refuses too many aliases', () => {
    expect(errorsOf('{ a: node { id } b: node { id } c: node { id } }')).toEqual(['Query uses more than 2 aliases']);
  });

  it('counts fields of a fragment at every place it is spread', () => {
    const query = '{ node { ...F child { ...F child { ...F } } } } fragment F on Node { id name }';
    expect(errorsOf(query)).toEqual([]);
    expect(errorsOf('{ node { ...F ...G } } fragment F on Node { id name child { id name } } fragment G on Node { child { ...F } }')).toEqual([
      'Query selects more than 10 fields',
    ]);
  });
});
