import { Kind, parse, type OperationDefinitionNode } from 'graphql';
import { exceededQueryLimit } from './useQueryLimits';

const limits = { maxDepth: 4, maxAliases: 2, maxFields: 10 };

function limitOf(query: string): string | null {
  const document = parse(query);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  return exceededQueryLimit(operation, document, limits);
}

describe('query limits', () => {
  it('accepts an operation within every limit', () => {
    expect(limitOf('{ node { id child { id child { name } } } }')).toBeNull();
  });

  it('refuses depth beyond the limit, also through fragments', () => {
    expect(limitOf('{ node { child { child { child { child { id } } } } } }')).toBe('Query depth exceeds the limit of 4');
    expect(limitOf('{ node { ...A } } fragment A on Node { child { child { child { child { id } } } } }')).toBe('Query depth exceeds the limit of 4');
  });

  it('refuses too many aliases', () => {
    expect(limitOf('{ a: node { id } b: node { id } c: node { id } }')).toBe('Query uses more than 2 aliases');
  });

  it('counts fields of a fragment at every place it is spread', () => {
    expect(limitOf('{ node { ...F child { ...F } } } fragment F on Node { id name }')).toBeNull();
    expect(limitOf('{ node { ...F ...G } } fragment F on Node { id name child { id name } } fragment G on Node { child { ...F } }')).toBe(
      'Query selects more than 10 fields',
    );
  });
});
