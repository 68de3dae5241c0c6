import type { BillingPeriod } from '../invoicing/billing-period';

/** A credit grant and what is left of it at some point of a computation. */
export interface GrantBalance {
  id: string;
  amountMinor: bigint;
  grantedAt: Date;
  expiresAt: Date;
  /** Amount minus what finalized invoices burned (and, in a projection, what earlier drafts would burn). */
  remainingMinor: bigint;
}

export interface CreditDraw {
  grantId: string;
  amountMinor: bigint;
}

export interface CreditAllocation {
  /** min(charge, the usable credits): what the invoice's credits pay. */
  appliedMinor: bigint;
  /** Per grant, earliest-expiring first; only grants drawn on. */
  draws: CreditDraw[];
}

/**
 * Whether a grant may pay for a period's invoice: it was granted before the period ended and had not expired
 * when the period began, i.e. it was valid during some of the month. (Credits granted at sign-up on the
 * 10th pay for that whole month; a grant that expired on the 15th still pays for its last month, and for no
 * later one.) Late usage of an earlier month billed on this invoice is paid under the same rule.
 */
export function grantUsableFor(grant: Pick<GrantBalance, 'grantedAt' | 'expiresAt'>, period: BillingPeriod) {
  return (
    grant.grantedAt.getTime() < period.end.getTime() && grant.expiresAt.getTime() > period.start.getTime()
  );
}

/** Grants in the order credits are burned: earliest expiry first, then oldest grant, then id (stable). */
export function burnOrder<T extends Pick<GrantBalance, 'id' | 'grantedAt' | 'expiresAt'>>(grants: T[]): T[] {
  return [...grants].sort(
    (a, b) =>
      a.expiresAt.getTime() - b.expiresAt.getTime() ||
      a.grantedAt.getTime() - b.grantedAt.getTime() ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}

/**
 * Credits for an invoice of `chargeMinor` in `period`: burned before anything is charged, from the usable
 * grant that expires first, then the next. Pure: the caller subtracts the draws from its balances
 * (see `applyDraws`). A charge of zero or less (an invoice with only corrections) draws nothing.
 */
export function allocateCredits(
  grants: GrantBalance[],
  period: BillingPeriod,
  chargeMinor: bigint,
): CreditAllocation {
  let left = chargeMinor;
  const draws: CreditDraw[] = [];
  for (const grant of burnOrder(grants)) {
    if (left <= 0n) break;
    if (grant.remainingMinor <= 0n || !grantUsableFor(grant, period)) continue;
    const amountMinor = grant.remainingMinor < left ? grant.remainingMinor : left;
    draws.push({ grantId: grant.id, amountMinor });
    left -= amountMinor;
  }
  return { appliedMinor: chargeMinor > 0n ? chargeMinor - left : 0n, draws };
}

/** The balances after `draws`, as new objects. */
export function applyDraws(grants: GrantBalance[], draws: CreditDraw[]): GrantBalance[] {
  const drawn = new Map<string, bigint>();
  for (const draw of draws) drawn.set(draw.grantId, (drawn.get(draw.grantId) ?? 0n) + draw.amountMinor);
  return grants.map((grant) => ({
    ...grant,
    remainingMinor: grant.remainingMinor - (drawn.get(grant.id) ?? 0n),
  }));
}
