import { describe, expect, it } from 'vitest';
import { expiryProblem } from '../../organization/ApiTokensTab';
import { changeOf, scaleProblems } from './ScaleModal';
import { windowOf, windowProblems } from './UpgradeProposals';

const current = { brokers: 3, storagePerBrokerGiB: 500 };

describe('scaling rules before asking the api', () => {
  it('refuses no change, shrinking storage, and brokers out of bounds', () => {
    expect(scaleProblems({ brokers: 3, storagePerBrokerGiB: 500 }, current).brokers).toMatch(
      /Change the brokers or the storage/,
    );
    expect(scaleProblems({ brokers: 3, storagePerBrokerGiB: 400 }, current).storagePerBrokerGiB).toMatch(
      /only grow/,
    );
    expect(scaleProblems({ brokers: 2, storagePerBrokerGiB: 500 }, current).brokers).toMatch(/3 to 30/);
    expect(scaleProblems({ brokers: 31, storagePerBrokerGiB: 500 }, current).brokers).toMatch(/3 to 30/);
    expect(scaleProblems({ brokers: 4, storagePerBrokerGiB: 500 }, current)).toEqual({});
  });

  it('sends only what changed', () => {
    expect(changeOf({ brokers: '5', storagePerBrokerGiB: 500 }, current)).toEqual({ brokers: 5 });
    expect(changeOf({ brokers: 3, storagePerBrokerGiB: '1000' }, current)).toEqual({
      storagePerBrokerGiB: 1000,
    });
  });
});

describe('maintenance windows', () => {
  const now = new Date('2026-11-22T10:00:00Z');
  const expiresAt = '2026-12-01T00:00:00.000Z';

  it('“as soon as possible” is a one-hour window starting in a few seconds', () => {
    const window = windowOf({ mode: 'soon', start: '', hours: 4 }, now);
    expect(window.start.toISOString()).toBe('2026-11-22T10:00:15.000Z');
    expect(window.end.getTime() - window.start.getTime()).toBe(3_600_000);
    expect(windowProblems({ mode: 'soon', start: '', hours: 4 }, expiresAt, now)).toEqual({});
  });

  it('a chosen window starts in the future, before the proposal expires, and lasts 1–168 hours', () => {
    expect(
      windowProblems({ mode: 'choose', start: '2026-11-22T09:00', hours: 2 }, expiresAt, now).start,
    ).toMatch(/future/);
    expect(
      windowProblems({ mode: 'choose', start: '2026-12-05T09:00', hours: 2 }, expiresAt, now).start,
    ).toMatch(/expires/);
    expect(
      windowProblems({ mode: 'choose', start: '2026-11-23T02:00', hours: 200 }, expiresAt, now).hours,
    ).toMatch(/1 to 168/);
    expect(windowProblems({ mode: 'choose', start: '2026-11-23T02:00', hours: 4 }, expiresAt, now)).toEqual(
      {},
    );
  });
});

describe('API token expiry', () => {
  const now = new Date('2026-11-22T10:00:00Z');
  it('is optional, in the future and within a year', () => {
    expect(expiryProblem('', now)).toBeNull();
    expect(expiryProblem('2026-11-01', now)).toMatch(/future/);
    expect(expiryProblem('2028-01-01', now)).toMatch(/within a year/);
    expect(expiryProblem('2027-06-01', now)).toBeNull();
  });
});
