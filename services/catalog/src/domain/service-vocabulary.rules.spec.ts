import { CATALOG_SEED, slugify } from '../infra/seed/catalog-seed-data';
import type { CatalogService, Category } from './catalog.types';
import { ServiceVocabulary, editDistance } from './service-vocabulary.rules';

function seeded(): { vocabulary: ServiceVocabulary; nameOf: (id: string) => string } {
  const categories: Category[] = [];
  const services: CatalogService[] = [];
  for (const seed of CATALOG_SEED) {
    const category: Category = { id: `cat-${seed.slug}`, slug: seed.slug, name: seed.name, subtitle: null, iconName: seed.iconName, displayOrder: seed.displayOrder, isVirtual: seed.isVirtual ?? false };
    categories.push(category);
    for (const entry of seed.services) {
      const [name, synonyms = ''] = entry.split('|');
      services.push({ id: `svc-${slugify(name!)}`, slug: slugify(name!), name: name!, categoryId: category.id, synonyms: synonyms.split(',').map((s) => s.trim()).filter(Boolean) });
    }
  }
  const names = new Map(services.map((s) => [s.id, s.name]));
  return { vocabulary: new ServiceVocabulary(services, categories), nameOf: (id) => names.get(id)! };
}

const { vocabulary, nameOf } = seeded();
const servicesFor = (word: string) => (vocabulary.match(word)?.serviceIds ?? []).map(nameOf).sort();

describe('editDistance', () => {
  it.each([
    ['pinao', 'piano', 1],
    ['gitar', 'guitar', 1],
    ['spansh', 'spanish', 1],
    ['drums', 'drawing', 3],
    ['piano', 'piano', 0],
  ])('%s → %s is %s edits (capped at max + 1)', (a, b, expected) => {
    expect(editDistance(a, b, 2)).toBe(expected);
  });
});

describe('ServiceVocabulary: misspelt and unfinished words', () => {
  it.each([
    ['pinao', ['Piano']],
    ['gitar', ['Bass Guitar', 'Guitar']],
    ['spansh', ['Spanish']],
    ['violn', ['Violin']],
    ['photografy', ['Photography']],
    ['guit', ['Bass Guitar', 'Guitar']],
  ])('"%s" is read as %j and reported as a correction', (word, names) => {
    expect(servicesFor(word)).toEqual(names);
    expect(vocabulary.match(word)!.corrected).toBe(true);
  });

  it('says what it meant ("did you mean")', () => {
    expect(vocabulary.match('pinao')).toMatchObject({ word: 'pinao', suggestions: ['piano'], corrected: true });
  });

  it.each([
    ['drums', ['Drums']],
    ['keyboard', ['Piano']],
    ['fiddle', ['Violin']],
    ['acoustic', ['Guitar']],
    ['karate', ['Martial Arts']],
  ])('"%s" is a catalog word (name or synonym): %j, no correction', (word, names) => {
    expect(servicesFor(word)).toEqual(names);
    expect(vocabulary.match(word)!.corrected).toBe(false);
  });

  it('a category name stands for all its services', () => {
    expect(servicesFor('languages')).toEqual(expect.arrayContaining(['Spanish', 'French', 'Mandarin']));
  });

  it.each(['drums', 'drum'])('"%s" never reads as Drawing', (word) => {
    expect(servicesFor(word)).not.toContain('Drawing');
  });

  it.each(['wolf', 'xyzzy', 'marguerite', 'pi', 'pno'])('"%s" is no catalog word: short words need an exact match, others one close enough with the same first letter', (word) => {
    expect(vocabulary.match(word)).toBeNull();
  });
});
