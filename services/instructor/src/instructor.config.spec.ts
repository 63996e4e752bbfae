import { loadInstructorConfig } from './instructor.config';

const DEV = { NODE_ENV: 'development' };

describe('instructor configuration', () => {
  it('refuses the development webhook and storage secrets unless development is said explicitly', () => {
    expect(() => loadInstructorConfig({})).toThrow(/STRIPE_WEBHOOK_SECRET/);
    expect(() => loadInstructorConfig({ STRIPE_WEBHOOK_SECRET: 'whsec_a_real_endpoint_secret', S3_SECRET_ACCESS_KEY: 'a-real-storage-secret' })).not.toThrow();
  });

  it('keeps unconfirmed uploads for INSTRUCTOR_UPLOAD_TTL_MINUTES (60 by default) and sweeps at least every 5 minutes', () => {
    expect(loadInstructorConfig(DEV).uploads).toEqual({ ttlMs: 60 * 60_000, sweepIntervalMs: 5 * 60_000, perHour: 20 });
    expect(loadInstructorConfig({ ...DEV, INSTRUCTOR_UPLOAD_TTL_MINUTES: '2' }).uploads).toEqual({ ttlMs: 2 * 60_000, sweepIntervalMs: 2 * 60_000, perHour: 20 });
  });

  it('refuses an upload window that is not a whole number of minutes from 1 to 1440', () => {
    for (const value of ['0', '-5', '1.5', 'soon', '1441']) {
      expect(() => loadInstructorConfig({ ...DEV, INSTRUCTOR_UPLOAD_TTL_MINUTES: value })).toThrow(/INSTRUCTOR_UPLOAD_TTL_MINUTES/);
    }
  });
});
