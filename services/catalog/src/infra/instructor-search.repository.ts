import type { Sql } from '@instainstru/platform';
import type { RatingTotals } from '../domain/instructor-ratings.types';
import type { InstructorSearchRepository } from '../domain/instructor-search.ports';
import { NO_DISTANCE, RATING_KEY_SCALE } from '../domain/instructor-search.service';
import type { SearchHit, SearchKey, SearchPlan, SearchWord } from '../domain/instructor-search.types';

/** Points a searched word earns; a result's score is the sum over the words of the best way each matched. */
const SCORE = {
  service: 100,
  correctedService: 70,
  namePrefix: 80,
  /** Times the trigram word similarity (at least MIN_NAME_SIMILARITY) for a misspelt name. */
  nameSimilarity: 60,
  bio: 30,
} as const;
const MIN_NAME_SIMILARITY = 0.5;

interface HitRow {
  instructor_id: string;
  display_name: string;
  score: number;
  rating_key: number;
  distance_key: number;
  distance_m: number | null;
}

/** Collects positional parameters while a statement is built. */
class Params {
  readonly values: unknown[] = [];
  add(value: unknown, type: string): string {
    this.values.push(value);
    return `$${this.values.length}::${type}`;
  }
}

/**
 * Instructor search over the read model in one statement. Offered services are filtered first
 * (service, age groups, price, lesson modes, and for a search by place the distance, unless online
 * lessons were asked for and the offering is online); an instructor is a result when at least one
 * offering passes and every searched word matches one of those offerings' services, the name (word
 * prefix or trigram similarity) or the bio (English full text). The score, the rating key and the
 * distance are integers (0 where the ranking leaves them out), so the keyset (score desc, rating
 * desc, distance, name, id) pages exactly.
 */
export class PostgresInstructorSearchRepository implements InstructorSearchRepository {
  constructor(private readonly sql: Sql) {}

  async search(plan: SearchPlan, after: SearchKey | null, limit: number): Promise<SearchHit[]> {
    const p = new Params();
    const offering: string[] = ['o.instructor_id = l.instructor_id'];
    const listing: string[] = ['l.is_live'];
    if (plan.serviceIds) offering.push(`o.service_id = any(${p.add(plan.serviceIds, 'uuid[]')})`);
    if (plan.ageGroups.length) offering.push(`o.age_groups @> ${p.add(plan.ageGroups, 'text[]')}`);
    if (plan.priceMinMinor !== null) offering.push(`o.currency = 'USD' and o.rate_minor >= ${p.add(plan.priceMinMinor, 'int')}`);
    if (plan.priceMaxMinor !== null) offering.push(`o.currency = 'USD' and o.rate_minor <= ${p.add(plan.priceMaxMinor, 'int')}`);

    let distance = 'null::int';
    let distanceKey = '0';
    if (plan.place) {
      const centre = `st_setsrid(st_makepoint(${p.add(plan.place.centre.longitude, 'float8')}, ${p.add(plan.place.centre.latitude, 'float8')}), 4326)::geography`;
      const within = `st_dwithin(l.location, ${centre}, ${p.add(plan.place.radiusMeters, 'float8')})`;
      distance = `round(st_distance(l.location, ${centre}))::int`;
      if (plan.ranking.distance) distanceKey = `coalesce(${distance}, ${NO_DISTANCE})`;
      const inPerson = plan.lessonModes.filter((m) => m !== 'online');
      if (plan.lessonModes.includes('online')) {
        // Online lessons come from anywhere; in-person ones only from within the radius.
        offering.push(`('online' = any(o.lesson_modes) or (o.lesson_modes && ${p.add(inPerson, 'text[]')} and ${within}))`);
      } else {
        listing.push(within);
        if (inPerson.length) offering.push(`o.lesson_modes && ${p.add(inPerson, 'text[]')}`);
      }
    } else if (plan.lessonModes.length) {
      offering.push(`o.lesson_modes && ${p.add(plan.lessonModes, 'text[]')}`);
    }

    const wordScores = plan.words.map((word) => this.wordScore(word, p));
    const score = plan.ranking.relevance && wordScores.length ? wordScores.map((_, i) => `w.s${i}`).join(' + ') : '0';
    const wordColumns = wordScores.length ? wordScores.map((expr, i) => `${expr} as s${i}`).join(', ') : '0 as s0';
    const everyWordMatches = wordScores.map((_, i) => `and w.s${i} > 0`).join(' ');

    // The Bayesian rating of @instainstru/events (bayesianRating), in SQL over the prior the domain
    // computed, in whole millionths; instructors without a visible review get 0 and come last.
    let ratingKey = '0';
    if (plan.ranking.rating) {
      const weight = p.add(plan.ranking.rating.priorWeight, 'float8');
      const mean = p.add(plan.ranking.rating.platformMean, 'float8');
      // Looked up by key for each instructor that passed the filters: with a join, the planner may
      // misjudge how few they are and scan every aggregate for each of them.
      ratingKey = `coalesce((select round((${weight} * ${mean} + rt.rating_sum) / (${weight} + rt.review_count) * ${RATING_KEY_SCALE})::int
                               from instructor_rating rt where rt.instructor_id = l.instructor_id and rt.review_count > 0), 0)`;
    }

    const keyset = after
      ? `where (-r.score, -r.rating_key, r.distance_key, r.display_name, r.instructor_id) > (${p.add(-after.score, 'int')}, ${p.add(-after.ratingKey, 'int')}, ${p.add(after.distanceKey, 'int')}, ${p.add(after.displayName, 'text')}, ${p.add(after.instructorId, 'uuid')})`
      : '';
    const rows = await this.sql.query<HitRow>(
      `select r.instructor_id, r.display_name, r.score, r.rating_key, r.distance_key, r.distance_m
         from (select l.instructor_id, l.display_name, (${score})::int as score, ${ratingKey} as rating_key, ${distanceKey} as distance_key, ${distance} as distance_m
                 from instructor_listing l
                 cross join lateral (select array_agg(o.service_id) as service_ids from offered_service o where ${offering.join(' and ')}) m
                 cross join lateral (select ${wordColumns}) w
                where ${listing.join(' and ')} and m.service_ids is not null ${everyWordMatches}) r
         ${keyset}
        order by -r.score, -r.rating_key, r.distance_key, r.display_name, r.instructor_id
        limit ${p.add(limit, 'int')}`,
      p.values,
    );
    return rows.map((r) => ({
      instructorId: r.instructor_id,
      displayName: r.display_name,
      score: r.score,
      ratingKey: r.rating_key,
      distanceKey: r.distance_key,
      distanceMeters: r.distance_m,
    }));
  }

  async ratingTotals(): Promise<RatingTotals> {
    const [row] = await this.sql.query<{ review_count: string; rating_sum: string }>(`select review_count, rating_sum from rating_totals`);
    return { reviewCount: Number(row?.review_count ?? 0), ratingSum: Number(row?.rating_sum ?? 0) };
  }

  /** The points one word earns an instructor: the best of service, name and bio; 0 when none matches. */
  private wordScore(word: SearchWord, p: Params): string {
    const text = p.add(word.word, 'text');
    // Words are lower-case letters only (the domain guarantees it), so they are safe tsquery operands.
    const prefix = p.add(word.word.length >= 3 ? `${word.word}:*` : word.word, 'text');
    const service = word.serviceIds.length
      ? `case when m.service_ids && ${p.add(word.serviceIds, 'uuid[]')} then ${word.corrected ? SCORE.correctedService : SCORE.service} else 0 end`
      : '0';
    return `greatest(
      ${service},
      case when l.name_document @@ to_tsquery('simple', ${prefix}) then ${SCORE.namePrefix}
           when word_similarity(${text}, l.display_name) >= ${MIN_NAME_SIMILARITY} then round(word_similarity(${text}, l.display_name) * ${SCORE.nameSimilarity})::int
           else 0 end,
      case when l.bio_document @@ plainto_tsquery('english', ${text}) then ${SCORE.bio} else 0 end)`;
  }
}
