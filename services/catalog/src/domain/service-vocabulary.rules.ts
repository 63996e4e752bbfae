import type { CatalogService, Category } from './catalog.types';

/** What one search word was read as: the catalog words it stands for and their services. */
export interface VocabularyMatch {
  word: string;
  /** The catalog words it matched (service names, synonyms, category names), alphabetically. */
  suggestions: string[];
  serviceIds: string[];
  /** False for the catalog's own word (or its plural); true for a misspelling or an unfinished word. */
  corrected: boolean;
}

/** Words that carry no meaning of their own inside service names ("English as a Second Language"). */
const JOINING_WORDS = new Set(['and', 'the', 'as', 'of', 'for', 'with', 'a', 'an']);

/** A word is only completed from its beginning once it has this many letters ("guit" → guitar). */
const MIN_PREFIX = 4;

/**
 * Edits a misspelling may have, by its length: none up to 3 letters (too many short words are one
 * edit apart), one up to 5 ("pinao", "gitar"), two from 6 ("spansh", "photografy").
 */
export function allowedEdits(length: number): number {
  if (length <= 3) return 0;
  return length <= 5 ? 1 : 2;
}

/**
 * Optimal string alignment distance: insertions, deletions, substitutions and transpositions of
 * neighbours each cost one ("pinao" → "piano" is one edit). Gives up above `max`, returning max + 1.
 */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let previous2: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, previous2[j - 2]! + 1);
      current.push(value);
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin > max) return max + 1;
    previous2 = previous;
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The words of the catalog (service names, synonyms, category names) and the services each stands
 * for, to read search words that are misspelt or unfinished. A few hundred words: built per search
 * from the catalog tables, matched in memory.
 *
 * A word matches the catalog word it equals (or whose plural it is); otherwise the catalog words
 * within `allowedEdits` of it that start with the same letter, or that it is the beginning of; only
 * the closest ones count. So "pinao" is Piano and "drums" is Drums, never Drawing.
 */
export class ServiceVocabulary {
  private readonly words = new Map<string, Set<string>>();

  constructor(services: readonly CatalogService[], categories: readonly Category[]) {
    const categoryServices = new Map<string, string[]>();
    for (const service of services) categoryServices.set(service.categoryId, [...(categoryServices.get(service.categoryId) ?? []), service.id]);
    for (const service of services) {
      for (const phrase of [service.name, ...service.synonyms]) this.add(phrase, [service.id]);
    }
    for (const category of categories) {
      if (category.isVirtual) continue;
      this.add(category.name, categoryServices.get(category.id) ?? []);
    }
  }

  private add(phrase: string, serviceIds: string[]): void {
    for (const word of phrase.toLowerCase().split(/[^a-z]+/)) {
      if (word.length < 2 || JOINING_WORDS.has(word)) continue;
      const set = this.words.get(word) ?? new Set<string>();
      for (const id of serviceIds) set.add(id);
      this.words.set(word, set);
    }
  }

  /** The catalog words `word` (lower-case letters) stands for, or null when it is none of them. */
  match(word: string): VocabularyMatch | null {
    const exact = [word, word.endsWith('s') ? word.slice(0, -1) : null, word.endsWith('es') ? word.slice(0, -2) : null, `${word}s`].filter(
      (w): w is string => w !== null && this.words.has(w),
    );
    if (exact.length) return this.result(word, exact, false);

    const max = allowedEdits(word.length);
    let best = Number.POSITIVE_INFINITY;
    let closest: string[] = [];
    for (const candidate of this.words.keys()) {
      if (candidate[0] !== word[0]) continue;
      let distance = word.length >= MIN_PREFIX && candidate.startsWith(word) ? 1 : Number.POSITIVE_INFINITY;
      if (max > 0) distance = Math.min(distance, editDistance(word, candidate, max));
      if (distance > Math.max(max, 1)) continue;
      if (distance < best) {
        best = distance;
        closest = [candidate];
      } else if (distance === best) {
        closest.push(candidate);
      }
    }
    return closest.length ? this.result(word, closest, true) : null;
  }

  private result(word: string, matched: string[], corrected: boolean): VocabularyMatch {
    const serviceIds = new Set<string>();
    for (const w of matched) for (const id of this.words.get(w)!) serviceIds.add(id);
    return { word, suggestions: [...new Set(matched)].sort(), serviceIds: [...serviceIds].sort(), corrected };
  }
}
