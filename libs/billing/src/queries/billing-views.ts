import type { InvoiceStatus, NotificationKind } from '@streamplane/db';

/** What the API shows of billing. Money in integer minor units (bigint); decimals as exact strings. */

export interface InvoiceLineView {
  deploymentId: string;
  /** The deployment's name (it is kept after the deployment is destroyed). */
  deploymentName: string;
  dimension: string;
  dimensionName: string;
  unit: string;
  /** The month the usage belongs to; earlier than the invoice's own for late usage. */
  usagePeriodStart: Date;
  late: boolean;
  quantity: string;
  unitPriceMinor: string;
  amountMinor: bigint;
  description: string;
}

export interface InvoiceTotalsView {
  periodStart: Date;
  periodEnd: Date;
  currency: string;
  planId: string;
  subtotalMinor: bigint;
  creditsAppliedMinor: bigint;
  totalMinor: bigint;
  computedAt: Date;
}

export interface InvoiceSummaryView extends InvoiceTotalsView {
  id: string;
  number: string | null;
  status: InvoiceStatus;
  finalizedAt: Date | null;
}

export interface InvoiceView extends InvoiceSummaryView {
  lines: InvoiceLineView[];
}

export interface EstimateView extends InvoiceTotalsView {
  lines: InvoiceLineView[];
  /** Hours of the month whose latest usage is not rolled up yet (it will be within minutes). */
  pendingHours: number;
}

export interface CreditGrantView {
  id: string;
  reason: string;
  amountMinor: bigint;
  grantedAt: Date;
  expiresAt: Date;
  expired: boolean;
  /** Burned by finalized invoices. */
  burnedMinor: bigint;
  /** What the open invoices (the current month so far) would burn if finalized now. */
  projectedMinor: bigint;
  /** Still to spend: 0 once expired. */
  remainingMinor: bigint;
}

export interface CreditBalanceView {
  currency: string;
  /** Every grant, expired ones included. grantedMinor = usedMinor + remainingMinor + expiredMinor. */
  grantedMinor: bigint;
  /** Burned by finalized invoices plus projected for the open ones. */
  usedMinor: bigint;
  remainingMinor: bigint;
  /** Credits that expired unspent. */
  expiredMinor: bigint;
  /** When the next grant with credits left expires; null when none has any left. */
  nextExpiry: Date | null;
  grants: CreditGrantView[];
}

export interface PlanPriceView {
  dimension: string;
  dimensionName: string;
  unit: string;
  unitPriceMinor: string;
}

export interface PricePlanView {
  id: string;
  name: string;
  description: string;
  currency: string;
  prices: PlanPriceView[];
}

export interface InvoicePage {
  items: InvoiceSummaryView[];
  /** Pass as `after` for the next (older) page; null at the end. */
  nextCursor: string | null;
}

export interface NotificationView {
  id: string;
  kind: NotificationKind;
  message: string;
  data: Record<string, unknown>;
  createdAt: Date;
  readAt: Date | null;
}
