import { Injectable } from '@nestjs/common';
import { InjectConfig, type AppConfig } from '@streamplane/config';
import type { CreditGrant, Prisma } from '@streamplane/db';
import { addMonthsUtc } from '../invoicing/billing-period';

export const SIGNUP_CREDITS_REASON = 'Sign-up credits';

/** Credits given to organizations. Spending them is the invoices' business (see InvoicingService). */
@Injectable()
export class CreditsService {
  constructor(@InjectConfig() private readonly config: AppConfig) {}

  /**
   * The sign-up grant ($200 by default), expiring BILLING_SIGNUP_CREDITS_VALID_MONTHS calendar months after
   * `now`; none when BILLING_SIGNUP_CREDITS_MINOR is 0. Written in the caller's transaction, so an
   * organization never exists without its credits. The caller audits it.
   */
  async grantSignupCredits(
    tx: Prisma.TransactionClient,
    orgId: string,
    now: Date,
  ): Promise<CreditGrant | null> {
    const { signupAmountMinor, signupValidMonths } = this.config.billing.credits;
    if (signupAmountMinor <= 0n) return null;
    return tx.creditGrant.create({
      data: {
        orgId,
        amountMinor: signupAmountMinor,
        reason: SIGNUP_CREDITS_REASON,
        grantedAt: now,
        expiresAt: addMonthsUtc(now, signupValidMonths),
      },
    });
  }
}
