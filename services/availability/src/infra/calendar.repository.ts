import { storeLatestRevision, type Database, type RevisionedTable, type Sql } from '@instainstru/platform';
import type { AvailabilityWeek, InstructorCalendar, Interval, SlotHold, TimeSlot } from '../domain/availability.types';
import type { CalendarRepository, CalendarUnitOfWork } from '../domain/calendar.ports';

interface CalendarRow {
  instructor_id: string;
  user_id: string;
  timezone: string;
  is_live: boolean;
  durations_minutes: number[];
  revision: number;
}

interface WeekRow {
  instructor_id: string;
  week_start: string;
  timezone: string;
  slots: TimeSlot[];
  version: string;
}

interface HoldRow {
  booking_id: string;
  instructor_id: string;
  starts_at: Date;
  ends_at: Date;
  status: SlotHold['status'];
  expires_at: Date | null;
}

interface RangeRow {
  lower: Date;
  upper: Date;
}

/** Availability's view of instructors, kept from the instructor events (one row per instructor, revision-guarded). */
const INSTRUCTOR_CALENDAR: RevisionedTable = { name: 'instructor_calendar', idColumn: 'instructor_id', revisionColumn: 'revision', updatedAtColumn: 'updated_at' };

const CALENDAR_COLUMNS = `instructor_id, user_id, timezone, is_live, durations_minutes, revision`;
const HOLD_COLUMNS = `booking_id, instructor_id, starts_at, ends_at, status, expires_at`;
/** A hold blocks while confirmed, or while held and not yet expired at $now. */
const ACTIVE = (now: string) => `(h.status = 'CONFIRMED' or h.expires_at > ${now})`;

const calendarOf = (r: CalendarRow): InstructorCalendar => ({
  instructorId: r.instructor_id,
  userId: r.user_id,
  timezone: r.timezone,
  isLive: r.is_live,
  durationsMinutes: r.durations_minutes,
  revision: r.revision,
});

const holdOf = (r: HoldRow): SlotHold => ({
  bookingId: r.booking_id,
  instructorId: r.instructor_id,
  startsAt: r.starts_at,
  endsAt: r.ends_at,
  status: r.status,
  expiresAt: r.expires_at,
});

const intervalOf = (r: RangeRow): Interval => ({ start: r.lower, end: r.upper });

/** Ordered rows grouped by instructor, keeping their order. */
function byInstructor(rows: (RangeRow & { instructor_id: string })[]): Map<string, Interval[]> {
  const grouped = new Map<string, Interval[]>();
  for (const row of rows) {
    const list = grouped.get(row.instructor_id) ?? [];
    list.push(intervalOf(row));
    grouped.set(row.instructor_id, list);
  }
  return grouped;
}

/** The statements of a hold and of its confirmation and release run for every booking: prepared once per connection. */
const PREPARED = { prepare: true } as const;

/** The calendar tables of the availability schema, through a transaction (or a pool, each statement on its own). */
export class PostgresCalendarUnitOfWork implements CalendarUnitOfWork {
  constructor(private readonly sql: Sql) {}

  async findCalendar(instructorId: string): Promise<InstructorCalendar | null> {
    const [row] = await this.sql.query<CalendarRow>(`select ${CALENDAR_COLUMNS} from instructor_calendar where instructor_id = $1`, [instructorId]);
    return row ? calendarOf(row) : null;
  }

  async findCalendars(instructorIds: readonly string[]): Promise<InstructorCalendar[]> {
    const rows = await this.sql.query<CalendarRow>(`select ${CALENDAR_COLUMNS} from instructor_calendar where instructor_id = any($1::uuid[])`, [instructorIds]);
    return rows.map(calendarOf);
  }

  async lockCalendar(instructorId: string): Promise<InstructorCalendar | null> {
    const [row] = await this.sql.query<CalendarRow>(`select ${CALENDAR_COLUMNS} from instructor_calendar where instructor_id = $1 for update`, [instructorId], PREPARED);
    return row ? calendarOf(row) : null;
  }

  applyCalendarIfNewer(c: InstructorCalendar): Promise<boolean> {
    return storeLatestRevision(this.sql, INSTRUCTOR_CALENDAR, {
      id: c.instructorId,
      revision: c.revision,
      columns: { user_id: c.userId, timezone: c.timezone, is_live: c.isLive, durations_minutes: c.durationsMinutes },
    });
  }

  async findWeek(instructorId: string, weekStart: string): Promise<AvailabilityWeek | null> {
    const [row] = await this.sql.query<WeekRow>(
      `select instructor_id, to_char(week_start, 'YYYY-MM-DD') as week_start, timezone, slots, version
         from availability_week where instructor_id = $1 and week_start = $2::date`,
      [instructorId, weekStart],
    );
    return row ? { instructorId: row.instructor_id, weekStart: row.week_start, timezone: row.timezone, slots: row.slots, version: row.version } : null;
  }

  async replaceWeek(week: AvailabilityWeek & { timezone: string }, windows: Interval[]): Promise<void> {
    await this.sql.execute(
      `insert into availability_week (instructor_id, week_start, timezone, slots, version) values ($1, $2::date, $3, $4::jsonb, $5)
       on conflict (instructor_id, week_start) do update set timezone = excluded.timezone, slots = excluded.slots, version = excluded.version, updated_at = now()`,
      [week.instructorId, week.weekStart, week.timezone, JSON.stringify(week.slots), week.version],
    );
    await this.sql.execute(`delete from availability_window where instructor_id = $1 and week_start = $2::date`, [week.instructorId, week.weekStart]);
    if (windows.length === 0) return;
    await this.sql.execute(
      `insert into availability_window (instructor_id, week_start, during)
       select $1, $2::date, tstzrange(s, e, '[)') from unnest($3::timestamptz[], $4::timestamptz[]) as w(s, e)`,
      [week.instructorId, week.weekStart, windows.map((w) => w.start.toISOString()), windows.map((w) => w.end.toISOString())],
    );
  }

  async activeHoldsInWeek(instructorId: string, weekStart: string, now: Date): Promise<SlotHold[]> {
    const rows = await this.sql.query<HoldRow>(
      `select ${HOLD_COLUMNS.split(', ').map((c) => `h.${c}`).join(', ')} from slot_hold h
        where h.instructor_id = $1 and ${ACTIVE('$3')}
          and exists (select 1 from availability_window w
                       where w.instructor_id = $1 and w.week_start = $2::date and w.during && tstzrange(h.starts_at, h.ends_at))
        order by h.starts_at`,
      [instructorId, weekStart, now],
    );
    return rows.map(holdOf);
  }

  async holdsOutsideWindows(instructorId: string, bookingIds: string[]): Promise<SlotHold[]> {
    if (bookingIds.length === 0) return [];
    const rows = await this.sql.query<HoldRow>(
      `select ${HOLD_COLUMNS} from slot_hold h
        where h.instructor_id = $1 and h.booking_id = any($2::uuid[])
          and not coalesce((select range_agg(w.during) from availability_window w
                             where w.instructor_id = $1 and w.during && tstzrange(h.starts_at, h.ends_at)) @> tstzrange(h.starts_at, h.ends_at), false)
        order by h.starts_at`,
      [instructorId, bookingIds],
    );
    return rows.map(holdOf);
  }

  async isInsideWindows(instructorId: string, range: Interval): Promise<boolean> {
    const [row] = await this.sql.query<{ inside: boolean | null }>(
      `select range_agg(during) @> tstzrange($2, $3) as inside from availability_window where instructor_id = $1 and during && tstzrange($2, $3)`,
      [instructorId, range.start, range.end],
      PREPARED,
    );
    return row?.inside === true;
  }

  async windowsOverlapping(instructorId: string, range: Interval): Promise<Interval[]> {
    return (await this.windowsOverlappingMany([instructorId], range)).get(instructorId) ?? [];
  }

  async windowsOverlappingMany(instructorIds: readonly string[], range: Interval): Promise<Map<string, Interval[]>> {
    const rows = await this.sql.query<RangeRow & { instructor_id: string }>(
      `select w.instructor_id, lower(r) as lower, upper(r) as upper
         from (select instructor_id, range_agg(during) as ranges from availability_window
                where instructor_id = any($1::uuid[]) and during && tstzrange($2, $3)
                group by instructor_id) w
        cross join lateral unnest(w.ranges) as r
        order by w.instructor_id, lower(r)`,
      [instructorIds, range.start, range.end],
    );
    return byInstructor(rows);
  }

  async activeBlocksOverlapping(instructorId: string, range: Interval, now: Date): Promise<Interval[]> {
    return (await this.activeBlocksOverlappingMany([instructorId], range, now)).get(instructorId) ?? [];
  }

  async activeBlocksOverlappingMany(instructorIds: readonly string[], range: Interval, now: Date): Promise<Map<string, Interval[]>> {
    const rows = await this.sql.query<RangeRow & { instructor_id: string }>(
      `select h.instructor_id, lower(h.blocked) as lower, upper(h.blocked) as upper from slot_hold h
        where h.instructor_id = any($1::uuid[]) and h.blocked && tstzrange($2, $3) and ${ACTIVE('$4')}
        order by h.instructor_id, lower(h.blocked)`,
      [instructorIds, range.start, range.end, now],
    );
    return byInstructor(rows);
  }

  async findHold(bookingId: string): Promise<SlotHold | null> {
    const [row] = await this.sql.query<HoldRow>(`select ${HOLD_COLUMNS} from slot_hold where booking_id = $1`, [bookingId], PREPARED);
    return row ? holdOf(row) : null;
  }

  async insertHold(hold: SlotHold, bufferMinutes: number): Promise<boolean> {
    // The exclusion constraint is the arbiter: a hold overlapping another (buffers included) is not inserted.
    const inserted = await this.sql.execute(
      `insert into slot_hold (booking_id, instructor_id, starts_at, ends_at, blocked, status, expires_at)
       values ($1, $2, $3, $4, tstzrange($3, $4::timestamptz + make_interval(mins => $5), '[)'), $6, $7)
       on conflict do nothing`,
      [hold.bookingId, hold.instructorId, hold.startsAt, hold.endsAt, bufferMinutes, hold.status, hold.expiresAt],
      PREPARED,
    );
    return inserted > 0;
  }

  async deleteHold(bookingId: string): Promise<boolean> {
    return (await this.sql.execute(`delete from slot_hold where booking_id = $1`, [bookingId], PREPARED)) > 0;
  }

  async deleteExpiredHolds(now: Date, instructorId?: string): Promise<number> {
    return this.sql.execute(
      `delete from slot_hold where status = 'HELD' and expires_at <= $1 and ($2::uuid is null or instructor_id = $2::uuid)`,
      [now, instructorId ?? null],
      PREPARED,
    );
  }

  async confirmHold(bookingId: string): Promise<boolean> {
    return (await this.sql.execute(`update slot_hold set status = 'CONFIRMED', expires_at = null where booking_id = $1`, [bookingId], PREPARED)) > 0;
  }
}

/** The calendar's repository over the pool: each method its own statement, `transaction` for writes that belong together. */
export class PostgresCalendarRepository extends PostgresCalendarUnitOfWork implements CalendarRepository {
  constructor(private readonly db: Database) {
    super(db);
  }

  transaction<T>(work: (uow: CalendarUnitOfWork) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => work(new PostgresCalendarUnitOfWork(tx)));
  }
}
