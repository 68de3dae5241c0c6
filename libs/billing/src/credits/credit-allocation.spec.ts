import { billingPeriodOf } from '../invoicing/billing-period';
import { allocateCredits, applyDraws, grantUsableFor, type GrantBalance } from './credit-allocation';

const november = billingPeriodOf(new Date('2026-11-15T00:00:00Z'));

function grant(
  id: string,
  remaining: bigint,
  expiresAt: string,
  grantedAt = '2026-01-01T00:00:00Z',
): GrantBalance {
  return {
    id,
    amountMinor: 20_000n,
    remainingMinor: remaining,
    grantedAt: new Date(grantedAt),
    expiresAt: new Date(expiresAt),
  };
}

describe('credit allocation', () => {
  it('burns the earliest-expiring grant first, then the next, and charges the rest', () => {
    const grants = [
      grant('late', 10_000n, '2027-06-01T00:00:00Z'),
      grant('soon', 3_000n, '2026-12-01T00:00:00Z'),
    ];
    const allocation = allocateCredits(grants, november, 15_000n);
    expect(allocation).toEqual({
      appliedMinor: 13_000n,
      draws: [
        { grantId: 'soon', amountMinor: 3_000n },
        { grantId: 'late', amountMinor: 10_000n },
      ],
    });
    expect(applyDraws(grants, allocation.draws).map((g) => g.remainingMinor)).toEqual([0n, 0n]);
  });

  it('applies no more than the charge', () => {
    const allocation = allocateCredits([grant('a', 20_000n, '2027-06-01T00:00:00Z')], november, 1_234n);
    expect(allocation).toEqual({ appliedMinor: 1_234n, draws: [{ grantId: 'a', amountMinor: 1_234n }] });
  });

  it('does not use grants that expired before the month or were granted after it', () => {
    const grants = [
      grant('expired', 20_000n, '2026-11-01T00:00:00Z'),
      grant('future', 20_000n, '2028-01-01T00:00:00Z', '2026-12-01T00:00:00Z'),
    ];
    expect(allocateCredits(grants, november, 5_000n)).toEqual({ appliedMinor: 0n, draws: [] });
  });

  it('uses a grant valid during part of the month: granted on the 10th, or expiring on the 15th', () => {
    expect(grantUsableFor(grant('x', 1n, '2027-11-10T00:00:00Z', '2026-11-10T00:00:00Z'), november)).toBe(
      true,
    );
    expect(grantUsableFor(grant('x', 1n, '2026-11-15T00:00:00Z'), november)).toBe(true);
    expect(grantUsableFor(grant('x', 1n, '2026-11-01T00:00:00.001Z'), november)).toBe(true);
  });

  it('draws nothing for a zero or negative charge', () => {
    const grants = [grant('a', 20_000n, '2027-06-01T00:00:00Z')];
    expect(allocateCredits(grants, november, 0n)).toEqual({ appliedMinor: 0n, draws: [] });
    expect(allocateCredits(grants, november, -500n)).toEqual({ appliedMinor: 0n, draws: [] });
  });
});
