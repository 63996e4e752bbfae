/**
 * What demo students say about their lessons and how instructors answer. Short on purpose, as most
 * real reviews are; the seed picks by rating (praise for 4–5 stars, mixed feelings for 3, criticism
 * for 1–2), by the lesson's category where it knows it, and in a parent's voice for some lessons of
 * instructors who teach kids.
 */

/** Demo students' first names; shown as "First L." like every review. */
export const STUDENT_FIRST_NAMES = [
  'Aaliyah', 'Adam', 'Aisha', 'Alex', 'Amara', 'Andre', 'Ava', 'Ben', 'Bianca', 'Caleb',
  'Camila', 'Chloe', 'Daniel', 'Dara', 'David', 'Diego', 'Elena', 'Eli', 'Emma', 'Ethan',
  'Fatima', 'Gabe', 'Grace', 'Hana', 'Hugo', 'Imani', 'Isaac', 'Isabel', 'Jade', 'Jamal',
  'Jin', 'Jordan', 'Julia', 'Kai', 'Keisha', 'Leah', 'Leo', 'Lily', 'Lucas', 'Maya',
  'Mei', 'Mia', 'Miguel', 'Nadia', 'Naomi', 'Nathan', 'Nina', 'Noah', 'Olivia', 'Omar',
  'Priya', 'Rafael', 'Rachel', 'Ravi', 'Rosa', 'Ruth', 'Sam', 'Sara', 'Sofia', 'Tariq',
  'Theo', 'Tomás', 'Uma', 'Victor', 'Wei', 'Yara', 'Yusuf', 'Zoe', 'Zainab', 'Owen',
];

export const STUDENT_LAST_NAMES = [
  'Abebe', 'Adler', 'Alvarez', 'Baker', 'Bennett', 'Brooks', 'Castillo', 'Chen', 'Cohen', 'Cruz',
  'Davis', 'Diaz', 'Dubois', 'Edwards', 'Evans', 'Fischer', 'Flores', 'Garcia', 'Goldberg', 'Gomez',
  'Green', 'Hall', 'Hassan', 'Hernandez', 'Hughes', 'Ibrahim', 'Ito', 'Jackson', 'Johnson', 'Kaur',
  'Kim', 'Kowalski', 'Lee', 'Lewis', 'Lopez', 'Martin', 'Mendoza', 'Miller', 'Moreno', 'Murphy',
  'Nguyen', 'Novak', "O'Brien", 'Okafor', 'Ortiz', 'Park', 'Patel', 'Perez', 'Price', 'Quinn',
  'Ramirez', 'Reyes', 'Rivera', 'Robinson', 'Rossi', 'Sanchez', 'Schwartz', 'Shah', 'Silva', 'Singh',
  'Sullivan', 'Tanaka', 'Thompson', 'Torres', 'Turner', 'Walker', 'Wang', 'Williams', 'Wright', 'Young',
];

/** 4–5 stars, by the catalog category's slug. */
export const PRAISE_BY_CATEGORY: Record<string, readonly string[]> = {
  music: [
    'Finally understand how to practise scales without getting bored.',
    'She fixed my hand position in ten minutes. Years of bad habits, gone.',
    'Great ear and very encouraging. I played my first full song today!',
    'Explains theory in a way that actually makes sense at the instrument.',
    'We worked on the piece I picked, not some dusty exercise book. Loved it.',
    'My timing has improved so much since we started using the metronome properly.',
    'Patient with a total beginner. I never felt silly asking questions.',
    'Warm-ups, technique, then a song: every lesson has a clear shape.',
    'Helped me prepare for my audition. I got in!',
    'Recorded a short practice plan for me after the lesson. Super helpful.',
    'Breathing exercises made a huge difference to my singing.',
    'Knows when to push and when to let me just play for fun.',
  ],
  arts: [
    'Learned more about light and shadow in one hour than in a year of videos.',
    'Gentle feedback, clear demonstrations, and I left with a finished sketch.',
    'Brought all the materials and explained why each one matters.',
    'Helped me loosen up. My paintings finally look like mine.',
    'Great at spotting what is working in a piece, not just what is wrong.',
    'Centered my first bowl on the wheel. Still grinning.',
    'The composition tips changed how I take every photo now.',
    'Very calm studio and a really good teacher.',
    'Showed me three ways to fix the same drawing. Eye-opening.',
    'We covered colour mixing step by step. No more muddy greens!',
  ],
  languages: [
    'We spoke only in the language from minute one, and it worked.',
    'Corrects my pronunciation without making me feel awkward.',
    'Lessons are built around my trip next month. Exactly what I needed.',
    'I can finally order at a restaurant and understand the reply!',
    'Great mix of conversation, grammar and real-life phrases.',
    'Sent me notes and vocabulary after every lesson.',
    'Explains grammar with examples that stick. The subjunctive is less scary now.',
    'Friendly, patient and very good at getting me to talk.',
    'My confidence speaking has gone way up in just a few lessons.',
    'Used songs and news articles instead of a dry textbook. Fun and effective.',
    'Helped me prepare for my citizenship interview. Passed!',
  ],
  'sports-fitness': [
    'Fixed my serve in one session. My doubles partner noticed right away.',
    'Tough but fair workout, and every exercise was explained.',
    'Adapted everything around my knee injury. Felt safe the whole time.',
    'I can swim a full length without stopping now. Never thought I would.',
    'Great eye for technique. Small changes, big difference.',
    'Motivating without shouting. Exactly my kind of coach.',
    'Gave me a plan to follow between sessions, which I actually follow.',
    'My swing is so much more consistent after two lessons.',
    'The drills were hard and fun at the same time.',
    'Checked my form on every rep. My back thanks you.',
    'Clear explanations of strategy as well as technique.',
  ],
  dance: [
    'Broke the choreography into small pieces so I could actually keep up.',
    'So much energy! I left sweaty and happy.',
    'Finally get the basic step on the right count.',
    'Great for total beginners with two left feet, like me.',
    'Helped us prepare our wedding dance. Everyone loved it.',
    'Attention to posture and lines without being harsh.',
    'Music choices were great and the pace was just right.',
    'I feel so much more confident on the dance floor now.',
    'Patient, precise and very encouraging.',
  ],
  tutoring: [
    'Explained the concept three different ways until it clicked.',
    'Went from a C to a B+ on the last test. Thank you!',
    'Very organised: clear goals for each session and homework that helps.',
    'Made practice tests feel manageable. My score went up 120 points.',
    'Patient with questions, and never just gives the answer away.',
    'Helped me plan my essay instead of rewriting it for me. Exactly right.',
    'Knows the material inside out and explains it simply.',
    'I actually understand derivatives now, not just the steps.',
    'Great study techniques that work for the other subjects too.',
    'Calm, clear and always on time.',
    'Walked me through my code and taught me how to debug on my own.',
    'Made history feel like stories instead of dates to memorise.',
  ],
};

/** 4–5 stars for any lesson. */
export const GENERAL_PRAISE = [
  'Fantastic lesson. Clear, patient and fun.',
  'Exactly what I was looking for.',
  'Really knows how to teach, not just how to do it.',
  'Well prepared and very encouraging.',
  'I learned a lot and enjoyed every minute.',
  'Friendly, professional and on time.',
  'Tailored the lesson to my level perfectly.',
  'Great first lesson. Already booked the next one.',
  'Positive, focused and genuinely interested in my progress.',
  'Super clear explanations and lots of practice time.',
  'One of the best teachers I have had.',
  'Relaxed atmosphere but we got a lot done.',
  'Made a hard topic feel easy.',
  'Honest feedback delivered kindly.',
];

/** Sometimes added after the praise. */
export const CLOSERS = [
  'Would book again.',
  'Highly recommend.',
  'Worth every penny.',
  'See you next week!',
  'Thank you!',
  'Five stars from me.',
  'Already recommended to a friend.',
  'Can’t wait for the next lesson.',
  'Great value too.',
  'So glad I found this teacher.',
];

/** 4–5 stars from a parent, for lessons of instructors who teach kids. */
export const KIDS_PRAISE = [
  'My daughter can’t stop talking about her lesson.',
  'Our son is usually shy, but he was laughing within five minutes.',
  'Wonderful with kids: patient, playful and still structured.',
  'My 7-year-old actually asks to practise now. Unheard of!',
  'Kept our very energetic 6-year-old focused for the whole lesson.',
  'Great at turning exercises into games.',
  'Sent us a few simple things to practise at home. Very helpful for parents.',
  'Our twins both love the lessons. No small feat.',
  'Her confidence has grown so much since she started.',
  'Explains things at exactly the right level for a 10-year-old.',
  'We were allowed to sit in, which helped our son settle in.',
  'My kid came out beaming and showed us everything he learned.',
  'Kind, reliable and really good with teenagers too.',
];

/** 4 stars: happy, with a small reservation. */
export const GOOD_WITH_A_BUT = [
  'Very good lesson, though we ran a few minutes late starting.',
  'Learned a lot. Would love a bit more time to practise in class.',
  'Great teacher. The online connection dropped once but we caught up.',
  'Good structure and helpful tips. A little fast for me at times.',
  'Solid lesson overall. I’d like more written notes afterwards.',
  'Really helpful, just a bit pricey for a 45-minute slot.',
  'Knowledgeable and kind. Parking near the studio is tricky.',
  'Good session. Took a while to find the right level for me.',
];

/** 3 stars. */
export const MIXED_FEELINGS = [
  'Nice person, but the lesson felt a bit unplanned.',
  'Some useful tips, though we spent a lot of time chatting.',
  'Okay lesson. Not sure it was the right fit for my level.',
  'Good knowledge, but the explanations went over my head.',
  'Started late and felt rushed at the end.',
  'Decent, but I expected more feedback on my technique.',
  'Fine for a first lesson. Will see how the next one goes.',
  'Helpful in parts; the second half dragged.',
  'The online lesson had audio problems most of the time.',
  'Friendly, but the lesson didn’t really match what I asked for.',
];

/** 1–2 stars. */
export const CRITICISM = [
  'Arrived 20 minutes late and didn’t make up the time.',
  'Spent most of the lesson on their phone.',
  'Very little actual teaching. Mostly watched me struggle.',
  'Not a good match for beginners.',
  'The lesson was nothing like the description.',
  'Rescheduled twice at the last minute.',
  'Felt dismissive when I asked questions.',
  'Too much talking about themselves, too little about my progress.',
  'Couldn’t get the video call working and we lost half the lesson.',
  'Not worth the price for what we covered.',
];

/** An instructor's answer to a happy review. */
export const THANKS_RESPONSES = [
  'Thank you so much! It was a pleasure working with you.',
  'Thanks for the kind words. See you next week!',
  'So glad it clicked! Keep up the practice.',
  'Thank you! Your progress has been great to watch.',
  'Really appreciate it. Looking forward to our next lesson.',
  'Thanks! You did all the hard work.',
  'That means a lot. Thank you for being such a motivated student.',
  'Thank you! Can’t wait to keep building on this.',
  'Happy to hear it! Don’t forget the homework.',
  'Thanks for the review. It was a fun lesson for me too.',
  'Thank you, and congratulations again!',
  'Much appreciated. See you soon!',
];

/** An instructor's answer to a disappointed review. */
export const CRITICAL_RESPONSES = [
  'Thank you for the honest feedback. I’m sorry the lesson didn’t meet your expectations.',
  'I apologise for the late start. Your next lesson is on me if you’d like to try again.',
  'Sorry about the connection issues. I’ve upgraded my setup since.',
  'Thanks for letting me know. I’ll send a lesson plan ahead of time from now on.',
  'I’m sorry it felt rushed. I’d be glad to go slower next time.',
  'Fair point, and I appreciate you saying it. I’m working on it.',
  'Sorry to hear that. Please message me so we can find a better fit for your goals.',
  'Thank you for the feedback. I’ve changed how I structure first lessons.',
];
