/** Real New York City ZIP codes (geocoded offline by the ZIP dataset) with a street in each. */
export const NYC_PLACES: { postalCode: string; street: string }[] = [
  { postalCode: '10001', street: 'W 29th St' },
  { postalCode: '10003', street: 'E 12th St' },
  { postalCode: '10011', street: 'W 19th St' },
  { postalCode: '10014', street: 'Bleecker St' },
  { postalCode: '10016', street: 'Lexington Ave' },
  { postalCode: '10019', street: 'W 56th St' },
  { postalCode: '10023', street: 'Amsterdam Ave' },
  { postalCode: '10025', street: 'W 104th St' },
  { postalCode: '10028', street: 'E 86th St' },
  { postalCode: '10128', street: 'E 93rd St' },
  { postalCode: '10463', street: 'W 231st St' },
  { postalCode: '11201', street: 'Court St' },
  { postalCode: '11211', street: 'Bedford Ave' },
  { postalCode: '11215', street: '7th Ave' },
  { postalCode: '11217', street: 'Atlantic Ave' },
  { postalCode: '11222', street: 'Manhattan Ave' },
  { postalCode: '11238', street: 'Vanderbilt Ave' },
  { postalCode: '11101', street: 'Vernon Blvd' },
  { postalCode: '11375', street: 'Austin St' },
  { postalCode: '11354', street: 'Main St' },
  { postalCode: '10301', street: 'Victory Blvd' },
];

export const FIRST_NAMES = [
  'Maya', 'Daniel', 'Aisha', 'Lucas', 'Sofia', 'Kenji', 'Priya', 'Mateo', 'Grace', 'Omar', 'Elena', 'Jamal', 'Hannah', 'Wei',
  'Camila', 'Noah', 'Zara', 'Ethan', 'Leila', 'Marcus', 'Ines', 'Samuel', 'Yuki', 'Olivia', 'Diego', 'Amara', 'Felix', 'Nadia',
];

export const LAST_NAMES = [
  'Lopez', 'Chen', 'Okafor', 'Rossi', 'Patel', 'Kim', 'Nguyen', 'Garcia', 'Cohen', 'Haddad', 'Novak', 'Williams', 'Ibrahim', 'Moreau',
  'Silva', 'Tanaka', 'Kowalski', 'Brooks', 'Mensah', 'Alvarez', 'Schmidt', 'Reyes', 'Hughes', 'Das',
];

/** Typical hourly rates by category, in cents: [low, high]. */
export const RATE_RANGES: Record<string, [number, number]> = {
  music: [5000, 9500],
  arts: [4500, 8000],
  languages: [4000, 7500],
  'sports-fitness': [5000, 11000],
  dance: [4500, 8500],
  tutoring: [5000, 12000],
};

export const BIO_OPENINGS = [
  'I love helping students find their own voice.',
  'Patient, structured lessons that build real confidence.',
  'Every lesson is planned around your goals.',
  'I teach the way I wish I had been taught: with lots of practice and encouragement.',
  'From first steps to performance level, at your pace.',
];

/** A one-page PDF, the placeholder background check document of demo instructors. */
export const DEMO_DOCUMENT = Buffer.from(
  '%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n' +
    'trailer << /Root 1 0 R >>\n% InstaInstru demo background check (placeholder)\n%%EOF\n',
  'latin1',
);
