import { CatalogError, CatalogErrorCode } from './catalog.errors';
import type { CatalogService, Category } from './catalog.types';

export const MAX_SEARCH_TEXT_LENGTH = 200;

export type AgeGroup = 'KIDS' | 'TEENS' | 'ADULTS';
export type DayOfWeek = 'MONDAY' | 'TUESDAY' | 'WEDNESDAY' | 'THURSDAY' | 'FRIDAY' | 'SATURDAY' | 'SUNDAY';
export type TimeOfDay = 'MORNING' | 'AFTERNOON' | 'EVENING';
export type LessonMode = 'AT_STUDIO' | 'AT_STUDENT_PLACE' | 'ONLINE';
export type SearchTermKind = 'SERVICE' | 'CATEGORY' | 'AGE_GROUP' | 'PRICE_MIN' | 'PRICE_MAX' | 'POSTAL_CODE' | 'DAY_OF_WEEK' | 'TIME_OF_DAY' | 'LESSON_MODE';

export interface SearchFilters {
  service: CatalogService | null;
  categorySlug: string | null;
  ageGroup: AgeGroup | null;
  priceMinMinor: number | null;
  priceMaxMinor: number | null;
  /** Set exactly when a price bound is; only US dollars are understood. */
  currency: string | null;
  postalCode: string | null;
  daysOfWeek: DayOfWeek[];
  timeOfDay: TimeOfDay | null;
  lessonModes: LessonMode[];
}

/** A phrase of the text and what it became. */
export interface SearchTerm {
  phrase: string;
  kind: SearchTermKind;
  value: string;
}

export interface ParsedSearch {
  filters: SearchFilters;
  understood: SearchTerm[];
  /** Phrases that were ambiguous, contradictory or unknown; none of them became a filter. */
  ignored: string[];
}

export interface SearchVocabulary {
  services: CatalogService[];
  categories: Category[];
}

const WEEKDAYS: DayOfWeek[] = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'];
const WEEKEND: DayOfWeek[] = ['SATURDAY', 'SUNDAY'];
const MAX_PRICE_DOLLARS = 10_000;

/** Words that carry no filter and are dropped silently (they are neither understood nor ignored). */
const FILLER = new Set(
  ('a an the and or for my our me i we want need looking find some someone who teaches teach teacher teachers tutor tutors tutoring ' +
    'instructor instructors coach coaches lesson lessons class classes course courses session sessions with on in at near around by ' +
    'to of please learn learning that can is are good best nearby also just only time times price cost costs per hour hourly hr an')
    .split(' ')
    .filter(Boolean),
);

const AGE_WORDS: Record<string, AgeGroup> = {
  kid: 'KIDS', kids: 'KIDS', child: 'KIDS', children: 'KIDS', toddler: 'KIDS', toddlers: 'KIDS',
  teen: 'TEENS', teens: 'TEENS', teenager: 'TEENS', teenagers: 'TEENS',
  adult: 'ADULTS', adults: 'ADULTS', grownup: 'ADULTS', grownups: 'ADULTS',
};

const DAY_WORDS: Record<string, DayOfWeek[]> = {
  monday: ['MONDAY'], tuesday: ['TUESDAY'], wednesday: ['WEDNESDAY'], thursday: ['THURSDAY'], friday: ['FRIDAY'], saturday: ['SATURDAY'], sunday: ['SUNDAY'],
  weekday: WEEKDAYS, weekend: WEEKEND,
};

const TIME_WORDS: Record<string, TimeOfDay> = { morning: 'MORNING', afternoon: 'AFTERNOON', evening: 'EVENING' };

const MODE_PHRASES: [RegExp, LessonMode[]][] = [
  [/\b(?:online|virtual(?:ly)?|remote(?:ly)?|over (?:zoom|video)|via (?:zoom|video)|video call)\b/g, ['ONLINE']],
  [/\b(?:at (?:my|our) (?:home|house|place|apartment)|at home|come to (?:me|us|my home|our home))\b/g, ['AT_STUDENT_PLACE']],
  [/\b(?:at (?:a|the|your|their) studio|in (?:a|the) studio)\b/g, ['AT_STUDIO']],
  // In person could be the studio or the student's place; both, never a guess between them.
  [/\bin[- ]person\b/g, ['AT_STUDIO', 'AT_STUDENT_PLACE']],
];

const MONEY = String.raw`(?:\$\s?(\d+(?:\.\d{1,2})?)|(\d+(?:\.\d{1,2})?)\s?\$|(\d+(?:\.\d{1,2})?)\s*(?:dollars?|usd|bucks))`;
const BARE = String.raw`(\d+(?:\.\d{1,2})?)`;
const PER_HOUR = String.raw`(?:\s*(?:/\s*(?:hr|hour)|(?:per|an|a)\s+(?:hr|hour)|hourly))?`;
const CEILING_WORDS = String.raw`(?:under|below|less than|at most|no more than|up to|max(?:imum)?|cheaper than)`;
const FLOOR_WORDS = String.raw`(?:over|above|more than|at least|min(?:imum)?)`;

interface Span {
  start: number;
  end: number;
}

interface Draft {
  text: string;
  consumed: boolean[];
  understood: (SearchTerm & { at: number })[];
  ignored: { phrase: string; at: number }[];
  /** Candidates per single-valued filter; more than one distinct value means none is used. */
  single: Map<string, { value: string; term: SearchTerm & { at: number } }[]>;
}

/** BAD_USER_INPUT for text that is empty or longer than 200 characters; otherwise the trimmed text. */
export function validateSearchText(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) throw new CatalogError(CatalogErrorCode.EmptySearchText, 'The search text is empty', {});
  if (text.length > MAX_SEARCH_TEXT_LENGTH) {
    throw new CatalogError(CatalogErrorCode.SearchTextTooLong, `The search text is longer than ${MAX_SEARCH_TEXT_LENGTH} characters`, { maxLength: MAX_SEARCH_TEXT_LENGTH, length: text.length });
  }
  return trimmed;
}

/**
 * Turns a sentence such as "guitar lessons for my 8 year old near 11201 under $50 on saturday
 * mornings" into search filters, saying which phrases it understood and which it ignored.
 * It refuses to guess: two services, contradictory values, a price without a direction, numbers
 * that are not 5-digit ZIPs and unknown words are ignored, never turned into a filter.
 *
 * A price needs a direction ("under", "at most", "over", a range); a bare number after such a word
 * is read as dollars ("under 50" → at most 5000 cents) unless it is followed by "year(s)" or comes
 * right after an age word ("kids under 10"), where it is an age and ignored.
 */
export function parseSearchQuery(rawText: string, vocabulary: SearchVocabulary): ParsedSearch {
  const text = validateSearchText(rawText).toLowerCase().replace(/[’']/g, "'").replace(/\s+/g, ' ');
  const draft: Draft = { text, consumed: Array.from({ length: text.length }, () => false), understood: [], ignored: [], single: new Map() };

  const filters: SearchFilters = {
    service: null, categorySlug: null, ageGroup: null, priceMinMinor: null, priceMaxMinor: null,
    currency: null, postalCode: null, daysOfWeek: [], timeOfDay: null, lessonModes: [],
  };

  readPrices(draft);
  readPostalCodes(draft);
  readAges(draft);
  readLessonModes(draft, filters);
  readDaysAndTimes(draft, filters);
  readServicesAndCategories(draft, vocabulary);
  readLeftovers(draft);

  const servicesById = new Map(vocabulary.services.map((s) => [s.id, s]));
  const categoriesBySlug = new Map(vocabulary.categories.map((c) => [c.slug, c]));

  // Single-valued filters: one distinct value is used; several are all ignored.
  const chosen = new Map<string, string>();
  for (const [key, candidates] of draft.single) {
    const values = new Set(candidates.map((c) => c.value));
    if (values.size === 1) {
      chosen.set(key, candidates[0]!.value);
      for (const c of candidates) draft.understood.push(c.term);
    } else {
      for (const c of candidates) draft.ignored.push({ phrase: c.term.phrase, at: c.term.at });
    }
  }

  // A service and a category must agree; a category alone is a category filter.
  const service = chosen.has('service') ? (servicesById.get(chosen.get('service')!) ?? null) : null;
  const category = chosen.has('category') ? (categoriesBySlug.get(chosen.get('category')!) ?? null) : null;
  if (service && category && service.categoryId !== category.id) {
    for (const key of ['service', 'category']) demote(draft, key);
  } else {
    filters.service = service;
    filters.categorySlug = category?.slug ?? (service ? (vocabulary.categories.find((c) => c.id === service.categoryId)?.slug ?? null) : null);
  }

  const min = chosen.has('priceMin') ? Number(chosen.get('priceMin')) : null;
  const max = chosen.has('priceMax') ? Number(chosen.get('priceMax')) : null;
  if (min !== null && max !== null && min > max) {
    demote(draft, 'priceMin');
    demote(draft, 'priceMax');
  } else {
    filters.priceMinMinor = min;
    filters.priceMaxMinor = max;
    filters.currency = min !== null || max !== null ? 'USD' : null;
  }
  filters.ageGroup = (chosen.get('ageGroup') as AgeGroup | undefined) ?? null;
  filters.postalCode = chosen.get('postalCode') ?? null;
  filters.timeOfDay = (chosen.get('timeOfDay') as TimeOfDay | undefined) ?? null;

  const understood = draft.understood.sort((a, b) => a.at - b.at).map(({ phrase, kind, value }) => ({ phrase, kind, value }));
  const ignored = draft.ignored.sort((a, b) => a.at - b.at).map((i) => i.phrase);
  return { filters, understood, ignored: [...new Set(ignored)] };
}

function demote(draft: Draft, key: string): void {
  const phrases = new Set((draft.single.get(key) ?? []).map((c) => c.term));
  draft.understood = draft.understood.filter((t) => !phrases.has(t));
  for (const t of phrases) draft.ignored.push({ phrase: t.phrase, at: t.at });
}

function isFree(draft: Draft, span: Span): boolean {
  for (let i = span.start; i < span.end; i++) if (draft.consumed[i]) return false;
  return true;
}

function consume(draft: Draft, span: Span): string {
  for (let i = span.start; i < span.end; i++) draft.consumed[i] = true;
  return draft.text.slice(span.start, span.end).trim();
}

function propose(draft: Draft, key: string, kind: SearchTermKind, value: string, span: Span, shownValue = value): void {
  const phrase = consume(draft, span);
  const list = draft.single.get(key) ?? [];
  list.push({ value, term: { phrase, kind, value: shownValue, at: span.start } });
  draft.single.set(key, list);
}

function understand(draft: Draft, kind: SearchTermKind, value: string, span: Span): void {
  draft.understood.push({ phrase: consume(draft, span), kind, value, at: span.start });
}

function ignore(draft: Draft, span: Span): void {
  draft.ignored.push({ phrase: consume(draft, span), at: span.start });
}

/** Each match of `pattern` over the not-yet-consumed text. */
function eachMatch(draft: Draft, pattern: RegExp, onMatch: (m: RegExpExecArray, span: Span) => void): void {
  const re = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`);
  for (let m = re.exec(draft.text); m; m = re.exec(draft.text)) {
    const span = { start: m.index, end: m.index + m[0].length };
    if (m[0].length === 0) {
      re.lastIndex++;
      continue;
    }
    if (isFree(draft, span)) onMatch(m, span);
  }
}

function cents(dollars: string): number | null {
  const value = Number(dollars);
  if (!Number.isFinite(value) || value <= 0 || value > MAX_PRICE_DOLLARS) return null;
  return Math.round(value * 100);
}

function money(m: RegExpExecArray, from: number): string | undefined {
  return m[from] ?? m[from + 1] ?? m[from + 2];
}

function readPrices(draft: Draft): void {
  // Ranges: "$40-$60", "$40 to 60", "40-60 dollars", "between $40 and $60".
  const amount = String.raw`(\d+(?:\.\d{1,2})?)`;
  const ranges = [
    new RegExp(String.raw`(?<![\w$])(?:between\s+)?\$\s?${amount}\s*(?:-|–|to)\s*\$?\s?${amount}(?:\s*(?:dollars|usd|bucks))?` + PER_HOUR, 'g'),
    new RegExp(String.raw`\b(?:between\s+)?${amount}\s*(?:-|–|to)\s*${amount}\s*(?:dollars|usd|bucks)` + PER_HOUR, 'g'),
    new RegExp(String.raw`\bbetween\s+\$\s?${amount}\s+and\s+\$?\s?${amount}(?:\s*(?:dollars|usd|bucks))?` + PER_HOUR, 'g'),
  ];
  for (const range of ranges) {
    eachMatch(draft, range, (m, span) => {
      const low = cents(m[1]!);
      const high = cents(m[2]!);
      if (low === null || high === null || low > high) return ignore(draft, span);
      const phrase = draft.text.slice(span.start, span.end).trim();
      propose(draft, 'priceMin', 'PRICE_MIN', String(low), span);
      const list = draft.single.get('priceMax') ?? [];
      list.push({ value: String(high), term: { phrase, kind: 'PRICE_MAX', value: String(high), at: span.start } });
      draft.single.set('priceMax', list);
    });
  }

  const bound = (words: string, key: 'priceMin' | 'priceMax', kind: SearchTermKind) => {
    const withCurrency = new RegExp(String.raw`\b${words}\s+` + MONEY + PER_HOUR, 'g');
    eachMatch(draft, withCurrency, (m, span) => {
      const value = cents(money(m, 1)!);
      if (value === null) return ignore(draft, span);
      propose(draft, key, kind, String(value), span);
    });
    const bare = new RegExp(String.raw`(\b[a-z]+\s+)?\b${words}\s+` + BARE + String.raw`\b(\s*(?:-|\s)?\s*(?:years?|yrs?|y/?o)\b)?` + PER_HOUR, 'g');
    eachMatch(draft, bare, (m, span) => {
      const before = m[1]?.trim();
      const start = before ? span.start + m[1]!.length : span.start;
      const own = { start, end: span.end };
      if (m[3] || (before && AGE_WORDS[before])) return ignore(draft, own);
      const value = cents(m[2]!);
      if (value === null) return ignore(draft, own);
      propose(draft, key, kind, String(value), own);
    });
    // "$50 or less", "$50 max", "50 dollars or more".
    const trailing = key === 'priceMax' ? String.raw`(?:or less|or under|or below|max(?:imum)?|tops)` : String.raw`(?:or more|or above|or over|min(?:imum)?|and up)`;
    eachMatch(draft, new RegExp(MONEY + PER_HOUR + String.raw`\s+` + trailing + String.raw`\b`, 'g'), (m, span) => {
      const value = cents(money(m, 1)!);
      if (value === null) return ignore(draft, span);
      propose(draft, key, kind, String(value), span);
    });
  };
  bound(CEILING_WORDS, 'priceMax', 'PRICE_MAX');
  bound(FLOOR_WORDS, 'priceMin', 'PRICE_MIN');
}

function readPostalCodes(draft: Draft): void {
  eachMatch(draft, /\b(?:near|in|around|by|close to|zip(?: ?code)?|postal code)\s+(\d+)(?:-(\d+))?\b/g, (m, span) => {
    if (/^\d{5}$/.test(m[1]!) && (m[2] === undefined || /^\d{4}$/.test(m[2]))) propose(draft, 'postalCode', 'POSTAL_CODE', m[1]!, span);
    else ignore(draft, span);
  });
}

function readAges(draft: Draft): void {
  eachMatch(draft, /\b(\d{1,3})(?:[- ]?(?:years?|yrs?)[- ]?olds?|[- ]?(?:yo|y\/o))\b|\b(?:aged?|ages?)\s+(\d{1,3})\b/g, (m, span) => {
    const age = Number(m[1] ?? m[2]);
    const group: AgeGroup | null = age >= 1 && age <= 12 ? 'KIDS' : age >= 13 && age <= 17 ? 'TEENS' : age >= 18 && age <= 120 ? 'ADULTS' : null;
    if (group) propose(draft, 'ageGroup', 'AGE_GROUP', group, span);
    else ignore(draft, span);
  });
  eachMatch(draft, /\b(?:kids?|child(?:ren)?|toddlers?|teens?|teenagers?|adults?|grown-?ups?)\b/g, (m, span) => {
    propose(draft, 'ageGroup', 'AGE_GROUP', AGE_WORDS[m[0].replace('-', '')]!, span);
  });
}

function readLessonModes(draft: Draft, filters: SearchFilters): void {
  for (const [pattern, modes] of MODE_PHRASES) {
    eachMatch(draft, pattern, (_, span) => {
      understand(draft, 'LESSON_MODE', modes.join(','), span);
      for (const mode of modes) if (!filters.lessonModes.includes(mode)) filters.lessonModes.push(mode);
    });
  }
}

function readDaysAndTimes(draft: Draft, filters: SearchFilters): void {
  eachMatch(draft, /\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday|weekday|weekend)s?\b/g, (m, span) => {
    const days = DAY_WORDS[m[1]!]!;
    understand(draft, 'DAY_OF_WEEK', days.join(','), span);
    for (const day of days) if (!filters.daysOfWeek.includes(day)) filters.daysOfWeek.push(day);
  });
  const order: DayOfWeek[] = [...WEEKDAYS, ...WEEKEND];
  filters.daysOfWeek.sort((a, b) => order.indexOf(a) - order.indexOf(b));
  eachMatch(draft, /\b(morning|afternoon|evening)s?\b/g, (m, span) => {
    propose(draft, 'timeOfDay', 'TIME_OF_DAY', TIME_WORDS[m[1]!]!, span);
  });
}

function words(text: string): string {
  return text.toLowerCase().replace(/&/g, ' ').replace(/[^a-z0-9]+/g, ' ').trim();
}

interface Meaning {
  kind: 'SERVICE' | 'CATEGORY';
  key: string;
  shown: string;
}

function readServicesAndCategories(draft: Draft, vocabulary: SearchVocabulary): void {
  const dictionary = new Map<string, Meaning[]>();
  const add = (phrase: string, meaning: Meaning) => {
    const key = words(phrase);
    if (!key) return;
    const list = dictionary.get(key) ?? [];
    if (!list.some((m) => m.kind === meaning.kind && m.key === meaning.key)) list.push(meaning);
    dictionary.set(key, list);
  };
  for (const service of vocabulary.services) {
    const meaning: Meaning = { kind: 'SERVICE', key: service.id, shown: service.name };
    for (const phrase of [service.name, service.slug, ...service.synonyms]) add(phrase, meaning);
  }
  for (const category of vocabulary.categories) {
    if (category.isVirtual) continue; // "kids" is an age group, not a filter on the derived Kids category
    const meaning: Meaning = { kind: 'CATEGORY', key: category.slug, shown: category.name };
    for (const phrase of [category.name, category.slug, ...category.name.split('&')]) add(phrase, meaning);
  }
  const lookup = (phrase: string): Meaning[] | undefined => {
    const services = dictionary.get(phrase)?.filter((m) => m.kind === 'SERVICE');
    if (services?.length) return services; // a service's own word beats a category of the same name
    return dictionary.get(phrase) ?? (phrase.endsWith('s') ? dictionary.get(phrase.slice(0, -1)) : undefined);
  };

  const tokens = freeTokens(draft);
  for (let i = 0; i < tokens.length; ) {
    let matched = false;
    for (let n = Math.min(5, tokens.length - i); n >= 1; n--) {
      const run = tokens.slice(i, i + n);
      if (run.some((t, k) => k > 0 && !adjacent(draft, run[k - 1]!, t))) continue;
      const meanings = lookup(run.map((t) => t.word).join(' '));
      if (!meanings) continue;
      const span = { start: run[0]!.start, end: run[n - 1]!.end };
      if (meanings.length > 1) ignore(draft, span);
      else if (meanings[0]!.kind === 'SERVICE') propose(draft, 'service', 'SERVICE', meanings[0]!.key, span, meanings[0]!.shown);
      else propose(draft, 'category', 'CATEGORY', meanings[0]!.key, span, meanings[0]!.shown);
      i += n;
      matched = true;
      break;
    }
    if (!matched) i++;
  }
}

interface Token extends Span {
  word: string;
}

/** The words of the text not consumed yet, split on anything but letters, digits, $ and '. */
function freeTokens(draft: Draft): Token[] {
  const tokens: Token[] = [];
  for (const m of draft.text.matchAll(/[a-z0-9$€£.']+/g)) {
    const span = { start: m.index, end: m.index + m[0].length };
    if (!isFree(draft, span)) continue;
    const word = m[0].replace(/^[.']+|[.']+$/g, '');
    if (word) tokens.push({ ...span, word: words(word) || word });
  }
  return tokens;
}

/** Two tokens separated only by spaces or hyphens (so "hip-hop" and "hip hop" match alike). */
function adjacent(draft: Draft, a: Token, b: Token): boolean {
  return /^[\s&-]*$/.test(draft.text.slice(a.end, b.start)) && isFree(draft, { start: a.end, end: b.start });
}

/** Whatever is left and is not a filler word is ignored, in runs of neighbouring words. */
function readLeftovers(draft: Draft): void {
  const tokens = freeTokens(draft).filter((t) => !FILLER.has(t.word));
  let run: Token[] = [];
  const flush = () => {
    if (run.length) ignore(draft, { start: run[0]!.start, end: run[run.length - 1]!.end });
    run = [];
  };
  for (const token of tokens) {
    if (run.length && !/^[\s,-]*$/.test(draft.text.slice(run[run.length - 1]!.end, token.start))) flush();
    run.push(token);
  }
  flush();
}
