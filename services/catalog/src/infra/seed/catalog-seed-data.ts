/**
 * The categories and services the marketplace starts with. Each service is
 * "Name|synonym, synonym"; the Kids category is virtual: its services are derived from
 * kids-capable live instructors, never listed here.
 */
export interface CategorySeed {
  slug: string;
  name: string;
  subtitle: string;
  iconName: string;
  displayOrder: number;
  isVirtual?: boolean;
  services: string[];
}

export const CATALOG_SEED: CategorySeed[] = [
  {
    slug: 'music',
    name: 'Music',
    subtitle: 'Instrument, voice & theory',
    iconName: 'music',
    displayOrder: 1,
    services: [
      'Piano|keyboard, keys',
      'Guitar|acoustic guitar, electric guitar',
      'Violin|fiddle',
      'Voice|singing, vocals',
      'Drums|percussion, drum kit',
      'Cello',
      'Bass Guitar|bass, electric bass',
      'Ukulele|uke',
      'Flute',
      'Saxophone|sax',
      'Trumpet',
      'Music Theory|ear training, composition',
    ],
  },
  {
    slug: 'arts',
    name: 'Arts',
    subtitle: 'Drawing, painting & making',
    iconName: 'palette',
    displayOrder: 2,
    services: ['Drawing|sketching, illustration', 'Painting|watercolor, acrylic, oil painting', 'Photography|camera', 'Pottery|ceramics, wheel throwing', 'Calligraphy|lettering', 'Digital Art|procreate, digital illustration', 'Acting|drama, theater'],
  },
  {
    slug: 'languages',
    name: 'Languages',
    subtitle: 'Conversation to fluency',
    iconName: 'globe',
    displayOrder: 3,
    services: ['Spanish|espanol', 'French|francais', 'Mandarin|chinese', 'Japanese', 'German|deutsch', 'Italian', 'Korean', 'Arabic', 'English as a Second Language|esl, english', 'American Sign Language|asl, sign language'],
  },
  {
    slug: 'sports-fitness',
    name: 'Sports & Fitness',
    subtitle: 'Coaching for every level',
    iconName: 'dumbbell',
    displayOrder: 4,
    services: ['Swimming|swim', 'Tennis', 'Yoga', 'Personal Training|fitness, strength training', 'Martial Arts|karate, taekwondo', 'Boxing', 'Golf', 'Chess', 'Soccer|football', 'Basketball'],
  },
  {
    slug: 'dance',
    name: 'Dance',
    subtitle: 'Ballet to hip-hop',
    iconName: 'dance',
    displayOrder: 5,
    services: ['Ballet', 'Hip-Hop Dance|hip hop, street dance', 'Salsa|latin dance', 'Ballroom|waltz, tango', 'Tap Dance|tap', 'Contemporary Dance|modern dance', 'Jazz Dance'],
  },
  {
    slug: 'tutoring',
    name: 'Tutoring',
    subtitle: 'Homework help & test prep',
    iconName: 'book',
    displayOrder: 6,
    services: [
      'Math|maths, algebra, geometry, calculus',
      'Reading|phonics, literacy',
      'Writing|essay writing, composition',
      'Science|biology, chemistry, physics',
      'SAT Prep|sat, test prep',
      'Coding|programming, computer science, python',
      'History',
      'Economics',
      'Statistics',
      'ACT Prep|act',
      'Study Skills|homework help, organization',
      'Public Speaking|speech, debate',
      'Early Learning|preschool, kindergarten readiness',
    ],
  },
  {
    slug: 'kids',
    name: 'Kids',
    subtitle: 'Lessons for children',
    iconName: 'child',
    displayOrder: 7,
    isVirtual: true,
    services: [],
  },
];

export function slugify(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}
