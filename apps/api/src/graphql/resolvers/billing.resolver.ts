import { Args, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { actorOf, type Principal } from '@streamplane/auth';
import {
  BillingQueriesService,
  formatMinor,
  minorToMajor,
  NotificationsService,
  type InvoiceLineView,
  type InvoiceSummaryView,
} from '@streamplane/billing';
import { InvoiceStatus, Role } from '@streamplane/db';
import { AnyMember, CurrentPrincipal, RequireRole } from '../../auth/access.decorators';
import {
  CreditBalanceModel,
  InvoiceModel,
  InvoicePageModel,
  NotificationModel,
  PeriodEstimateModel,
  PricePlanModel,
  type InvoiceLineModel,
  type InvoiceSummaryModel,
  type MoneyModel,
} from '../models/billing.model';

/**
 * Credits, invoices, prices and notifications of the caller's organization. Usage-like reads (the estimate,
 * the credit balance, prices) are open to every member; invoices to ADMIN and OWNER.
 */
@Resolver()
export class BillingResolver {
  constructor(
    private readonly billing: BillingQueriesService,
    private readonly notificationsService: NotificationsService,
  ) {}

  @AnyMember()
  @Query(() => PeriodEstimateModel, {
    description:
      'This UTC month’s invoice so far, itemised, as it would be if finalized now. Writes nothing.',
  })
  async currentPeriodEstimate(@CurrentPrincipal() principal: Principal): Promise<PeriodEstimateModel> {
    const estimate = await this.billing.currentPeriodEstimate(principal.orgId);
    const money = moneyIn(estimate.currency);
    return {
      ...estimate,
      lines: estimate.lines.map((line) => lineModel(line, estimate.currency)),
      subtotal: money(estimate.subtotalMinor),
      creditsApplied: money(estimate.creditsAppliedMinor),
      total: money(estimate.totalMinor),
    };
  }

  @AnyMember()
  @Query(() => CreditBalanceModel, {
    description: 'Credits granted, used (finalized invoices and this month so far), remaining and expiring.',
  })
  async creditBalance(@CurrentPrincipal() principal: Principal): Promise<CreditBalanceModel> {
    const balance = await this.billing.creditBalance(principal.orgId);
    const money = moneyIn(balance.currency);
    return {
      granted: money(balance.grantedMinor),
      used: money(balance.usedMinor),
      remaining: money(balance.remainingMinor),
      expired: money(balance.expiredMinor),
      nextExpiry: balance.nextExpiry,
      grants: balance.grants.map((grant) => ({
        ...grant,
        amount: money(grant.amountMinor),
        burned: money(grant.burnedMinor),
        projected: money(grant.projectedMinor),
        remaining: money(grant.remainingMinor),
      })),
    };
  }

  @AnyMember()
  @Query(() => PricePlanModel, { description: 'The organization’s price plan and its unit prices.' })
  async pricePlan(@CurrentPrincipal() principal: Principal): Promise<PricePlanModel> {
    const plan = await this.billing.pricePlan(principal.orgId);
    return {
      ...plan,
      prices: plan.prices.map((price) => ({
        ...price,
        unitPrice: minorToMajor(price.unitPriceMinor, plan.currency),
      })),
    };
  }

  @RequireRole(Role.ADMIN)
  @Query(() => InvoicePageModel, { description: 'Newest month first, the current draft included.' })
  async invoices(
    @CurrentPrincipal() principal: Principal,
    @Args('first', { type: () => Int, defaultValue: 20 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after?: string | null,
    @Args('status', { type: () => InvoiceStatus, nullable: true }) status?: InvoiceStatus | null,
  ): Promise<InvoicePageModel> {
    const page = await this.billing.invoices(principal.orgId, {
      first,
      ...(after ? { after } : {}),
      ...(status ? { status } : {}),
    });
    return { items: page.items.map(summaryModel), nextCursor: page.nextCursor };
  }

  @RequireRole(Role.ADMIN)
  @Query(() => InvoiceModel, { description: 'One invoice with its lines.' })
  async invoice(
    @CurrentPrincipal() principal: Principal,
    @Args('invoiceId', { type: () => ID }) invoiceId: string,
  ): Promise<InvoiceModel> {
    const invoice = await this.billing.invoice(principal.orgId, invoiceId);
    return {
      ...summaryModel(invoice),
      lines: invoice.lines.map((line) => lineModel(line, invoice.currency)),
    };
  }

  @AnyMember()
  @Query(() => [NotificationModel], { description: 'Unread first, newest first within each.' })
  notifications(
    @CurrentPrincipal() principal: Principal,
    @Args('first', { type: () => Int, defaultValue: 50 }) first: number,
    @Args('unreadOnly', { type: () => Boolean, defaultValue: false }) unreadOnly: boolean,
  ): Promise<NotificationModel[]> {
    return this.notificationsService.list(principal.orgId, { first, unreadOnly });
  }

  @RequireRole(Role.MEMBER)
  @Mutation(() => NotificationModel, {
    description: 'Marks a notification read for the whole organization. Already read: unchanged.',
  })
  markNotificationRead(
    @CurrentPrincipal() principal: Principal,
    @Args('notificationId', { type: () => ID }) notificationId: string,
  ): Promise<NotificationModel> {
    return this.notificationsService.markRead(actorOf(principal), notificationId);
  }
}

function moneyIn(currency: string) {
  return (minor: bigint): MoneyModel => ({
    minor: minor.toString(),
    amount: formatMinor(minor, currency),
    currency,
  });
}

function summaryModel(invoice: InvoiceSummaryView): InvoiceSummaryModel {
  const money = moneyIn(invoice.currency);
  return {
    id: invoice.id,
    number: invoice.number,
    status: invoice.status,
    periodStart: invoice.periodStart,
    periodEnd: invoice.periodEnd,
    planId: invoice.planId,
    subtotal: money(invoice.subtotalMinor),
    creditsApplied: money(invoice.creditsAppliedMinor),
    total: money(invoice.totalMinor),
    computedAt: invoice.computedAt,
    finalizedAt: invoice.finalizedAt,
  };
}

function lineModel(line: InvoiceLineView, currency: string): InvoiceLineModel {
  return {
    deploymentId: line.deploymentId,
    deploymentName: line.deploymentName,
    dimension: line.dimension,
    dimensionName: line.dimensionName,
    unit: line.unit,
    usagePeriodStart: line.usagePeriodStart,
    late: line.late,
    quantity: line.quantity,
    unitPriceMinor: line.unitPriceMinor,
    amount: moneyIn(currency)(line.amountMinor),
    description: line.description,
  };
}
