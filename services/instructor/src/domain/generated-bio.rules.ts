import { AGE_GROUPS, LESSON_MODES, type AgeGroup, type LessonMode } from './instructor.types';

export interface BioFacts {
  displayName: string;
  yearsOfExperience: number | null;
  /** Names of the services taught, in the order they were added. */
  skills: string[];
  ageGroups: AgeGroup[];
  lessonModes: LessonMode[];
  area: { city: string; state: string } | null;
}

const MODE_PHRASES: Record<LessonMode, string> = {
  at_studio: 'at the studio',
  at_student_place: 'at your place',
  online: 'online',
};

/** "a", "a and b", "a, b and c". */
export function joinWords(words: readonly string[], conjunction = 'and'): string {
  if (words.length <= 1) return words[0] ?? '';
  return `${words.slice(0, -1).join(', ')} ${conjunction} ${words[words.length - 1]}`;
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

function experience(years: number | null): string {
  if (years === null) return '';
  if (years === 0) return ', new to teaching and keen to start';
  return ` with ${years} ${years === 1 ? 'year' : 'years'} of experience`;
}

function audience(groups: readonly AgeGroup[]): string {
  const present = AGE_GROUPS.filter((g) => groups.includes(g));
  if (present.length === AGE_GROUPS.length) return 'Lessons for all ages';
  if (present.length === 0) return 'Lessons';
  return `Lessons for ${joinWords(present)}`;
}

/**
 * A short human-readable bio from what the profile says: skills, experience, age groups, lesson
 * modes and area. Deterministic (the same facts always give the same words); no external service.
 */
export function generateBio(facts: BioFacts): string {
  const firstName = facts.displayName.trim().split(/\s+/)[0] ?? facts.displayName;
  const skills = unique(facts.skills.map((s) => s.trim()).filter(Boolean));
  const where = facts.area ? ` in ${facts.area.city}, ${facts.area.state}` : '';
  if (skills.length === 0) {
    return `${firstName} is getting ready to teach on InstaInstru${where}.`;
  }
  const first = `${firstName} teaches ${joinWords(skills)}${where}${experience(facts.yearsOfExperience)}.`;
  const modes = LESSON_MODES.filter((m) => facts.lessonModes.includes(m)).map((m) => MODE_PHRASES[m]);
  const second = `${audience(facts.ageGroups)}${modes.length ? `, ${joinWords(modes, 'or')}` : ''}.`;
  return `${first} ${second}`;
}
