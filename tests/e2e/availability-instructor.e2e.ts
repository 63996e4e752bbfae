import { randomUUID } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import { dataOf, ensureBucket, errorOf, liveInstructor, publishWeek, readModelCaughtUp, removeUploadsOf, type RunningWorkers, s3Client, startStack, testClock, type TestInstructor, type TestStack } from '@instainstru/test-harness';
import { createInstructorModule } from '../../services/instructor/src/module';
import { availabilityBuilder, startAvailabilityWorkers } from '../support/availability';

/** Monday 2027-03-01 07:00 in New York. */
const clock = testClock('2027-03-01T12:00:00.000Z');

let stack: TestStack;
let s3: S3Client;
let workers: RunningWorkers;
let teacher: TestInstructor;

/** Waits until the availability service applied the instructor's latest event (the revision in the instructor's outbox). */
const caughtUp = (instructorId: string) => readModelCaughtUp(stack, 'availability', instructorId);

beforeAll(async () => {
  stack = await startStack({ instructor: (deps) => createInstructorModule(deps).subgraph(), availability: availabilityBuilder({ clock: clock.now }) });
  s3 = s3Client();
  await ensureBucket(s3);
  workers = await startAvailabilityWorkers(stack, { clock: clock.now });
  // TERMS offer 30- and 60-minute lessons; the instructor's zone is America/New_York.
  teacher = await liveInstructor(stack, { sub: `next-${randomUUID()}`, displayName: 'Nora Next', serviceId: randomUUID(), ageGroups: ['ADULTS'] });
  await caughtUp(teacher.id);
  await publishWeek(stack, teacher.token, teacher.id, '2027-03-08', [
    { dayOfWeek: 1, startTime: '09:00', endTime: '10:00' },
    { dayOfWeek: 2, startTime: '09:00', endTime: '10:00' },
  ]);
});

afterAll(async () => {
  await workers?.stop();
  if (stack && s3) await removeUploadsOf(stack, s3);
  s3?.destroy();
  await stack?.stop();
});

const NEXT = `query($id: ID!, $first: Int, $d: Int) {
  instructor(id: $id) { displayName nextAvailableSlots(first: $first, durationMinutes: $d) { startsAt endsAt localStartTime localDate timezone } }
}`;

const next = (variables: Record<string, unknown>) => stack.graphql(NEXT, { variables: { id: teacher.id, ...variables } });

describe('successful Instructor.nextAvailableSlots (federated from availability onto the instructor)', () => {
  it('lists the soonest starts in the instructor’s zone, for their shortest lesson by default', async () => {
    const { instructor } = dataOf<{ instructor: { displayName: string; nextAvailableSlots: { startsAt: string; endsAt: string; localStartTime: string; localDate: string; timezone: string }[] } }>(
      await next({ first: 3 }),
    );
    expect(instructor.displayName).toBe('Nora Next');
    expect(instructor.nextAvailableSlots).toEqual([
      { startsAt: '2027-03-08T14:00:00.000Z', endsAt: '2027-03-08T14:30:00.000Z', localStartTime: '09:00', localDate: '2027-03-08', timezone: 'America/New_York' },
      { startsAt: '2027-03-08T14:15:00.000Z', endsAt: '2027-03-08T14:45:00.000Z', localStartTime: '09:15', localDate: '2027-03-08', timezone: 'America/New_York' },
      { startsAt: '2027-03-08T14:30:00.000Z', endsAt: '2027-03-08T15:00:00.000Z', localStartTime: '09:30', localDate: '2027-03-08', timezone: 'America/New_York' },
    ]);
  });

  it('takes a lesson length', async () => {
    const { instructor } = dataOf<{ instructor: { nextAvailableSlots: { localDate: string; localStartTime: string }[] } }>(await next({ d: 60 }));
    expect(instructor.nextAvailableSlots.map((s) => `${s.localDate} ${s.localStartTime}`)).toEqual(['2027-03-08 09:00', '2027-03-09 09:00']);
  });
});

describe('failing Instructor.nextAvailableSlots', () => {
  it.each([
    [{ first: 0 }, 'INVALID_FIRST'],
    [{ first: 51 }, 'INVALID_FIRST'],
    [{ d: 50 }, 'INVALID_DURATION'],
  ])('%p is BAD_USER_INPUT', async (variables, reason) => {
    expect(errorOf(await next(variables))).toMatchObject({ code: 'BAD_USER_INPUT', reason });
  });

  it('is empty once the instructor went offline', async () => {
    dataOf(await stack.graphql(`mutation($id: ID!) { goOffline(instructorId: $id) { isLive } }`, { token: teacher.token, variables: { id: teacher.id } }));
    await caughtUp(teacher.id);
    const { instructor } = dataOf<{ instructor: { nextAvailableSlots: unknown[] } }>(await stack.graphql(NEXT, { token: teacher.token, variables: { id: teacher.id } }));
    expect(instructor.nextAvailableSlots).toEqual([]);
  });
});
