import { generateBio, joinWords, type BioFacts } from './generated-bio.rules';

const maya: BioFacts = {
  displayName: 'Maya Lopez',
  yearsOfExperience: 8,
  skills: ['Piano', 'Music Theory'],
  ageGroups: ['adults', 'kids'],
  lessonModes: ['online', 'at_studio'],
  area: { city: 'Brooklyn', state: 'NY' },
};

describe('generated bio', () => {
  it('reads as a person would write it, from skills, experience, age groups, modes and area', () => {
    expect(generateBio(maya)).toBe(
      'Maya teaches Piano and Music Theory in Brooklyn, NY with 8 years of experience. Lessons for kids and adults, at the studio or online.',
    );
  });

  it('is deterministic: the same facts in any order give the same words', () => {
    const shuffled = { ...maya, ageGroups: [...maya.ageGroups].reverse(), lessonModes: [...maya.lessonModes].reverse() };
    expect(generateBio(shuffled)).toBe(generateBio(maya));
    expect(generateBio(maya)).toBe(generateBio(maya));
  });

  it('handles the edges: one year, new teachers, no area, every age group, repeated skills', () => {
    expect(generateBio({ ...maya, yearsOfExperience: 1, area: null, skills: ['Violin', 'Violin'] })).toBe(
      'Maya teaches Violin with 1 year of experience. Lessons for kids and adults, at the studio or online.',
    );
    expect(generateBio({ ...maya, yearsOfExperience: 0, ageGroups: ['teens', 'kids', 'adults'], lessonModes: ['at_student_place'] })).toBe(
      'Maya teaches Piano and Music Theory in Brooklyn, NY, new to teaching and keen to start. Lessons for all ages, at your place.',
    );
    expect(generateBio({ ...maya, yearsOfExperience: null, skills: ['Spanish', 'French', 'Italian'], ageGroups: ['teens'] })).toBe(
      'Maya teaches Spanish, French and Italian in Brooklyn, NY. Lessons for teens, at the studio or online.',
    );
  });

  it('says the instructor is getting ready when nothing is offered yet', () => {
    expect(generateBio({ ...maya, skills: [] })).toBe('Maya is getting ready to teach on InstaInstru in Brooklyn, NY.');
  });

  it('joins lists the English way', () => {
    expect(joinWords([])).toBe('');
    expect(joinWords(['a'])).toBe('a');
    expect(joinWords(['a', 'b'])).toBe('a and b');
    expect(joinWords(['a', 'b', 'c'], 'or')).toBe('a, b or c');
  });
});
