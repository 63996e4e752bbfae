import { ratingAdjustments } from './instructor-ratings.rules';
import type { ReviewRating } from './instructor-ratings.types';

const review = (changes: Partial<ReviewRating> = {}): ReviewRating => ({
  reviewId: '7d1c6f0e-2b8a-4c3d-9e5f-1a2b3c4d5e6f',
  instructorId: 'instructor-a',
  serviceId: 'service-piano',
  rating: 4,
  visible: true,
  version: 1,
  ...changes,
});

describe('how a review moves its instructor aggregate', () => {
  it('a new visible review adds one review and its stars', () => {
    expect(ratingAdjustments(null, review({ rating: 5 }))).toEqual([{ instructorId: 'instructor-a', reviewCount: 1, ratingSum: 5 }]);
  });

  it('a new review that is already hidden adds nothing', () => {
    expect(ratingAdjustments(null, review({ visible: false }))).toEqual([]);
  });

  it('an edited rating moves only the sum, by the difference', () => {
    expect(ratingAdjustments(review({ rating: 2 }), review({ rating: 5, version: 2 }))).toEqual([{ instructorId: 'instructor-a', reviewCount: 0, ratingSum: 3 }]);
  });

  it('hiding takes the review out; restoring puts it back', () => {
    const shown = review({ rating: 3, version: 2 });
    const hidden = review({ rating: 3, visible: false, version: 3 });
    expect(ratingAdjustments(shown, hidden)).toEqual([{ instructorId: 'instructor-a', reviewCount: -1, ratingSum: -3 }]);
    expect(ratingAdjustments(hidden, review({ rating: 3, version: 4 }))).toEqual([{ instructorId: 'instructor-a', reviewCount: 1, ratingSum: 3 }]);
  });

  it('a change that leaves the rating and visibility alone (a response) changes no aggregate', () => {
    expect(ratingAdjustments(review(), review({ version: 2 }))).toEqual([]);
    expect(ratingAdjustments(review({ visible: false }), review({ visible: false, rating: 1, version: 2 }))).toEqual([]);
  });

  it('a review moved to another instructor leaves the first and counts for the second', () => {
    expect(ratingAdjustments(review({ rating: 4 }), review({ instructorId: 'instructor-b', rating: 4, version: 2 }))).toEqual([
      { instructorId: 'instructor-a', reviewCount: -1, ratingSum: -4 },
      { instructorId: 'instructor-b', reviewCount: 1, ratingSum: 4 },
    ]);
  });
});
