import type { PreconditionVerdict } from '../health/upgrade-preconditions';
import { UpgradeRunCode } from './upgrade-run.codes';

/** What an approved upgrade that has not started does now. */
export type UpgradeStartDecision =
  | { kind: 'start' }
  /** Preconditions unmet inside the window: nothing is rolled; check again at `until`. */
  | { kind: 'wait'; until: Date; message: string }
  /** The window is over: the operation fails and nothing was changed. */
  | { kind: 'give-up'; code: UpgradeRunCode; message: string };

/**
 * Once the window has ended an upgrade never starts. Why it did not is told from the operation's note: it
 * was waiting for preconditions (the last check's problems), or it was never tried at all (the provisioner
 * was down for the whole window). Undefined while the window is open.
 */
export function windowEnded(
  now: Date,
  windowEnd: Date,
  waiting: { code: string | null; message: string | null },
): Extract<UpgradeStartDecision, { kind: 'give-up' }> | undefined {
  if (now.getTime() < windowEnd.getTime()) return undefined;
  const end = windowEnd.toISOString();
  if (waiting.code === UpgradeRunCode.WAITING_FOR_PRECONDITIONS && waiting.message) {
    return {
      kind: 'give-up',
      code: UpgradeRunCode.PRECONDITIONS_NOT_MET,
      message: `${waiting.message}. The maintenance window ended at ${end}; nothing was changed.`,
    };
  }
  return {
    kind: 'give-up',
    code: UpgradeRunCode.WINDOW_MISSED,
    message: `The maintenance window ended at ${end} before the upgrade could start; nothing was changed.`,
  };
}

/** Inside the window: start when the preconditions hold, else wait — never past the window's end. */
export function startOrWait(
  verdict: PreconditionVerdict,
  now: Date,
  windowEnd: Date,
  retryMs: number,
): UpgradeStartDecision {
  if (verdict.met) return { kind: 'start' };
  return {
    kind: 'wait',
    until: new Date(Math.min(now.getTime() + retryMs, windowEnd.getTime())),
    message: preconditionsNotMet(verdict.problems),
  };
}

export function preconditionsNotMet(problems: string[]): string {
  return `Preconditions not met: ${problems.join('; ')}`;
}
