/** The instructor's public state as the instructor events carry it (whole state + revision). */
export interface InstructorSnapshot {
  instructorId: string;
  revision: number;
  displayName: string;
  isLive: boolean;
  location: { latitude: number; longitude: number } | null;
  bio: string | null;
  yearsOfExperience: number | null;
  hasPhoto: boolean;
  /** Where the instructor teaches, to the ZIP code; never the street address. */
  area: { city: string; state: string; postalCode: string } | null;
  offeredServices: {
    offeredServiceId: string;
    serviceId: string;
    ageGroups: string[];
    hourlyRate: { amountMinor: number; currency: string };
    lessonModes: string[];
    durationsMinutes: number[];
    levels: string[];
    travelRadiusMiles: number | null;
  }[];
}

export type ListingContext = 'ALL' | 'KIDS';

export interface InstructorPageKey {
  displayName: string;
  instructorId: string;
}

export interface InstructorPage {
  edges: { cursor: string; node: { id: string } }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}
