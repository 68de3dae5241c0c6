import { UpgradeRunCode } from './upgrade-run.codes';
import { startOrWait, windowEnded } from './upgrade-start';

const now = new Date('2026-11-22T10:00:00.000Z');
const later = (ms: number) => new Date(now.getTime() + ms);
const notWaiting = { code: null, message: null };

describe('windowEnded', () => {
  it('is undefined while the window is open', () => {
    expect(windowEnded(now, later(1), notWaiting)).toBeUndefined();
  });

  it('gives up with the last unmet preconditions when the upgrade was waiting for them', () => {
    const waiting = {
      code: UpgradeRunCode.WAITING_FOR_PRECONDITIONS,
      message: 'Preconditions not met: 2 of 3 brokers ready',
    };
    expect(windowEnded(now, now, waiting)).toEqual({
      kind: 'give-up',
      code: 'UPGRADE_PRECONDITIONS_NOT_MET',
      message: `Preconditions not met: 2 of 3 brokers ready. The maintenance window ended at ${now.toISOString()}; nothing was changed.`,
    });
  });

  it('gives up as a missed window when the upgrade was never tried (the provisioner was down)', () => {
    // A transient failure noted earlier is not a precondition check.
    for (const note of [notWaiting, { code: 'CONCURRENT_UPDATE', message: 'busy (will retry)' }]) {
      expect(windowEnded(later(60_000), now, note)).toEqual({
        kind: 'give-up',
        code: 'UPGRADE_WINDOW_MISSED',
        message: `The maintenance window ended at ${now.toISOString()} before the upgrade could start; nothing was changed.`,
      });
    }
  });
});

describe('startOrWait', () => {
  it('starts when the preconditions hold', () => {
    expect(startOrWait({ met: true, simulated: true }, now, later(3600_000), 300_000)).toEqual({
      kind: 'start',
    });
  });

  it('waits for the retry interval, naming every problem', () => {
    const verdict = {
      met: false as const,
      problems: ['2 of 3 brokers ready', '4 under-replicated partition(s)'],
    };
    expect(startOrWait(verdict, now, later(3600_000), 300_000)).toEqual({
      kind: 'wait',
      until: later(300_000),
      message: 'Preconditions not met: 2 of 3 brokers ready; 4 under-replicated partition(s)',
    });
  });

  it('never waits past the end of the window', () => {
    const verdict = { met: false as const, problems: ['no report from the data-plane agent yet'] };
    expect(startOrWait(verdict, now, later(1000), 300_000)).toMatchObject({
      kind: 'wait',
      until: later(1000),
    });
  });
});
