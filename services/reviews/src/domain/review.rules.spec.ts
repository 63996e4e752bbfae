import { countsDelta, countsOf, editRefusal, normaliseText, requireRating, requireReason, reviewRefusal, studentNameOf } from './review.rules';
import { ReviewsErrorCode } from './reviews.errors';
import type { Lesson, Review } from './review.types';

const lesson = (overrides: Partial<Lesson> = {}): Lesson => ({
  bookingId: 'b1',
  studentUserId: 's1',
  instructorId: 'i1',
  instructorUserId: 'u1',
  serviceId: 'svc',
  status: 'COMPLETED',
  startsAt: '2030-05-01T10:00:00.000Z',
  completedAt: '2030-05-01T11:00:00.000Z',
  ...overrides,
});

describe('how a review shows its student', () => {
  it('is the first name and the initial of the last, never more', () => {
    expect(studentNameOf('Jane Doe')).toBe('Jane D.');
    expect(studentNameOf('  jane   van der berg ')).toBe('jane B.');
    expect(studentNameOf('Cher')).toBe('Cher');
    expect(studentNameOf('Łukasz Żółw')).toBe('Łukasz Ż.');
    expect(studentNameOf('')).toBe('Student');
    expect(studentNameOf(undefined)).toBe('Student');
  });
});

describe('what a review may say', () => {
  it('takes whole stars from 1 to 5', () => {
    expect(requireRating(1)).toBe(1);
    expect(requireRating(5)).toBe(5);
    for (const bad of [0, 6, 4.5, Number.NaN]) expect(() => requireRating(bad)).toThrow(expect.objectContaining({ code: ReviewsErrorCode.InvalidRating }));
  });

  it('trims text, keeps line breaks, refuses control characters and more than 2000 characters', () => {
    expect(normaliseText('  hi\r\nthere  ')).toBe('hi\nthere');
    expect(normaliseText('   ')).toBeNull();
    expect(normaliseText(null)).toBeNull();
    expect(normaliseText('é'.repeat(2000))).toHaveLength(2000);
    expect(() => normaliseText('a\u0000b')).toThrow(expect.objectContaining({ code: ReviewsErrorCode.InvalidText }));
    expect(() => normaliseText('a\u009bb')).toThrow(expect.objectContaining({ code: ReviewsErrorCode.InvalidText }));
    expect(() => normaliseText('x'.repeat(2001))).toThrow(expect.objectContaining({ code: ReviewsErrorCode.TextTooLong }));
    expect(() => requireReason('')).toThrow(expect.objectContaining({ code: ReviewsErrorCode.InvalidReason }));
  });
});

describe('which lessons can be reviewed', () => {
  const completedAt = Date.parse('2030-05-01T11:00:00.000Z');
  it('a completed one within the window; never a cancelled, no-show or unfinished one', () => {
    expect(reviewRefusal(lesson(), new Date(completedAt + 14 * 86_400_000), 14)).toBeNull();
    expect(reviewRefusal(lesson(), new Date(completedAt + 14 * 86_400_000 + 1), 14)?.code).toBe(ReviewsErrorCode.ReviewWindowClosed);
    expect(reviewRefusal(lesson({ status: 'CANCELLED' }), new Date(completedAt), 14)?.code).toBe(ReviewsErrorCode.LessonCancelled);
    expect(reviewRefusal(lesson({ status: 'NO_SHOW' }), new Date(completedAt), 14)?.code).toBe(ReviewsErrorCode.LessonNoShow);
    expect(reviewRefusal(lesson({ status: 'CONFIRMED', completedAt: null }), new Date(completedAt), 14)?.code).toBe(ReviewsErrorCode.LessonNotCompleted);
  });

  it('edits until the response or the edit window', () => {
    const review = { id: 'r', createdAt: '2030-05-02T00:00:00.000Z', response: null } as unknown as Review;
    expect(editRefusal(review, new Date('2030-05-04T00:00:00.000Z'), 48)).toBeNull();
    expect(editRefusal(review, new Date('2030-05-04T00:00:00.001Z'), 48)?.code).toBe(ReviewsErrorCode.EditWindowClosed);
    expect(editRefusal({ ...review, response: { text: 't', respondedAt: '2030-05-02T01:00:00.000Z' } }, new Date('2030-05-02T02:00:00.000Z'), 48)?.code).toBe(ReviewsErrorCode.EditWindowClosed);
  });
});

describe('what a change does to the aggregates', () => {
  it('a hidden review counts nothing; an edit moves one star', () => {
    expect(countsOf({ visible: false, rating: 5 })).toEqual({ count: 0, sum: 0, distribution: [0, 0, 0, 0, 0] });
    expect(countsDelta(countsOf({ visible: true, rating: 2 }), countsOf({ visible: true, rating: 4 }))).toEqual({ count: 0, sum: 2, distribution: [0, -1, 0, 1, 0] });
    expect(countsDelta(countsOf({ visible: true, rating: 3 }), countsOf({ visible: false, rating: 3 }))).toEqual({ count: -1, sum: -3, distribution: [0, 0, -1, 0, 0] });
  });
});
