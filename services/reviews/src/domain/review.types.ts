/** The instructor's one response to a review. */
export interface ReviewResponse {
  text: string;
  respondedAt: string;
}

/**
 * A student's review of one completed lesson. `visible` is false while an admin has it hidden
 * (moderation): it is then in no list and no aggregate. `version` grows by one with every change
 * (the events carry it, so consumers keep the newest state).
 */
export interface Review {
  id: string;
  bookingId: string;
  instructorId: string;
  instructorUserId: string;
  serviceId: string;
  studentUserId: string;
  /** The student as reviews show them: a first name and an initial ("Jane D."). */
  studentName: string;
  rating: number;
  text: string | null;
  visible: boolean;
  response: ReviewResponse | null;
  version: number;
  createdAt: string;
  updatedAt: string;
  /** When its student last edited it (null when never). */
  editedAt: string | null;
}

/** What booking's events said about a lesson, as far as reviews care. */
export type LessonStatus = 'CONFIRMED' | 'COMPLETED' | 'CANCELLED' | 'NO_SHOW';

export interface Lesson {
  bookingId: string;
  studentUserId: string;
  instructorId: string;
  instructorUserId: string;
  serviceId: string;
  status: LessonStatus;
  startsAt: string;
  completedAt: string | null;
}

/** A lesson its student can still review. */
export interface ReviewableLesson extends Lesson {
  reviewableUntil: string;
}

/** One instructor's visible reviews summed up (overall, or for one service). */
export interface RatingCounts {
  count: number;
  sum: number;
  /** How many reviews gave 1, 2, 3, 4 and 5 stars. */
  distribution: [number, number, number, number, number];
}

export interface InstructorRatings {
  instructorId: string;
  overall: RatingCounts;
  byService: { serviceId: string; counts: RatingCounts }[];
  /** Every visible review of the platform, for the Bayesian prior. */
  platform: { count: number; sum: number };
}

/** A review waiting for an admin: reported since it was last moderated. */
export interface ReportedReview {
  review: Review;
  reportCount: number;
  firstReportedAt: string;
  reasons: string[];
}

export interface ReviewPageKey {
  createdAt: string;
  id: string;
}
