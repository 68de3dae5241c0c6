import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { InvoiceStatus, NotificationKind } from '@streamplane/db';
import { GraphQLJSONObject } from 'graphql-scalars';

registerEnumType(InvoiceStatus, {
  name: 'InvoiceStatus',
  description:
    'DRAFT while its month runs (recomputed every few minutes); FINALIZED after the month ended: numbered, ' +
    'credits burned, and never changed again.',
});
registerEnumType(NotificationKind, {
  name: 'NotificationKind',
  description: 'LOW_CREDITS: a credit grant fell below 25% left; CREDITS_EXHAUSTED: it is used up.',
});

@ObjectType('Money', { description: 'An exact amount of money. Never a floating-point number.' })
export class MoneyModel {
  @Field(() => String, {
    description: 'Integer minor units (cents for USD), as a string of digits so that any size stays exact.',
  })
  minor!: string;
  @Field(() => String, { description: 'The same amount as an exact decimal of the major unit: "200.00".' })
  amount!: string;
  @Field(() => String, { description: 'ISO 4217.' })
  currency!: string;
}

@ObjectType('InvoiceLine', {
  description:
    'One deployment’s usage of one dimension in one month: amount = quantity × unit price, rounded half-up ' +
    '(ties away from zero) to a whole minor unit. The invoice’s subtotal is the exact sum of its lines.',
})
export class InvoiceLineModel {
  @Field(() => ID) deploymentId!: string;
  @Field(() => String) deploymentName!: string;
  @Field(() => String) dimension!: string;
  @Field(() => String) dimensionName!: string;
  @Field(() => String) unit!: string;
  @Field(() => Date, {
    description: 'The month the usage belongs to: the invoice’s own, or an earlier, already invoiced one.',
  })
  usagePeriodStart!: Date;
  @Field(() => Boolean, {
    description:
      'Late usage: usage of an earlier month that arrived after that month’s invoice was finalized (the ' +
      'difference since; negative for a correction).',
  })
  late!: boolean;
  @Field(() => String, { description: 'Exact decimal, in `unit`s.' }) quantity!: string;
  @Field(() => String, { description: 'Exact decimal of minor units per unit (cents; may be a fraction).' })
  unitPriceMinor!: string;
  @Field(() => MoneyModel) amount!: MoneyModel;
  @Field(() => String) description!: string;
}

@ObjectType('InvoiceSummary', { description: 'An invoice without its lines (see `invoice(invoiceId)`).' })
export class InvoiceSummaryModel {
  @Field(() => ID) id!: string;
  @Field(() => String, { nullable: true, description: '`SP-YYYYMM-NNNNNN`, assigned when finalized.' })
  number!: string | null;
  @Field(() => InvoiceStatus) status!: InvoiceStatus;
  @Field(() => Date, { description: 'The month: 00:00 UTC on its first day …' }) periodStart!: Date;
  @Field(() => Date, { description: '… to 00:00 UTC on the next month’s first day (exclusive).' })
  periodEnd!: Date;
  @Field(() => String) planId!: string;
  @Field(() => MoneyModel) subtotal!: MoneyModel;
  @Field(() => MoneyModel, {
    description: 'Credits burned before anything is charged: min(subtotal, credits).',
  })
  creditsApplied!: MoneyModel;
  @Field(() => MoneyModel, { description: 'subtotal − creditsApplied: what is charged.' })
  total!: MoneyModel;
  @Field(() => Date, { description: 'When the amounts were last computed.' }) computedAt!: Date;
  @Field(() => Date, { nullable: true }) finalizedAt!: Date | null;
}

@ObjectType('Invoice')
export class InvoiceModel extends InvoiceSummaryModel {
  @Field(() => [InvoiceLineModel]) lines!: InvoiceLineModel[];
}

@ObjectType('InvoicePage')
export class InvoicePageModel {
  @Field(() => [InvoiceSummaryModel]) items!: InvoiceSummaryModel[];
  @Field(() => String, {
    nullable: true,
    description: 'Pass as `after` for the next (older) page; null at the end.',
  })
  nextCursor!: string | null;
}

@ObjectType('PeriodEstimate', {
  description: 'The current month’s invoice as it would be if finalized now; computed live, nothing stored.',
})
export class PeriodEstimateModel {
  @Field(() => Date) periodStart!: Date;
  @Field(() => Date) periodEnd!: Date;
  @Field(() => String) planId!: string;
  @Field(() => [InvoiceLineModel]) lines!: InvoiceLineModel[];
  @Field(() => MoneyModel) subtotal!: MoneyModel;
  @Field(() => MoneyModel) creditsApplied!: MoneyModel;
  @Field(() => MoneyModel) total!: MoneyModel;
  @Field(() => Date) computedAt!: Date;
  @Field(() => Int, {
    description:
      'Hours whose latest usage the billing worker has not rolled up yet (usually within a minute).',
  })
  pendingHours!: number;
}

@ObjectType('CreditGrant')
export class CreditGrantModel {
  @Field(() => ID) id!: string;
  @Field(() => String) reason!: string;
  @Field(() => MoneyModel) amount!: MoneyModel;
  @Field(() => Date) grantedAt!: Date;
  @Field(() => Date) expiresAt!: Date;
  @Field(() => Boolean) expired!: boolean;
  @Field(() => MoneyModel, { description: 'Burned by finalized invoices.' }) burned!: MoneyModel;
  @Field(() => MoneyModel, { description: 'What this month so far would burn if invoiced now.' })
  projected!: MoneyModel;
  @Field(() => MoneyModel, { description: 'Left to spend; zero once expired.' }) remaining!: MoneyModel;
}

@ObjectType('CreditBalance', {
  description:
    'Credits are burned before anything is charged, the earliest-expiring grant first; a grant pays for ' +
    'the months it is valid in. granted = used + remaining + expired.',
})
export class CreditBalanceModel {
  @Field(() => MoneyModel) granted!: MoneyModel;
  @Field(() => MoneyModel, {
    description: 'Burned by finalized invoices plus projected for this month so far.',
  })
  used!: MoneyModel;
  @Field(() => MoneyModel) remaining!: MoneyModel;
  @Field(() => MoneyModel, { description: 'Credits that expired unspent.' }) expired!: MoneyModel;
  @Field(() => Date, { nullable: true, description: 'When the next grant with credits left expires.' })
  nextExpiry!: Date | null;
  @Field(() => [CreditGrantModel], { description: 'Earliest expiry first: the order they are burned in.' })
  grants!: CreditGrantModel[];
}

@ObjectType('PlanPrice')
export class PlanPriceModel {
  @Field(() => String) dimension!: string;
  @Field(() => String) dimensionName!: string;
  @Field(() => String) unit!: string;
  @Field(() => String, { description: 'Exact decimal of minor units (cents) per unit.' })
  unitPriceMinor!: string;
  @Field(() => String, { description: 'The same in the major unit (dollars), exact.' }) unitPrice!: string;
}

@ObjectType('PricePlan')
export class PricePlanModel {
  @Field(() => String) id!: string;
  @Field(() => String) name!: string;
  @Field(() => String) description!: string;
  @Field(() => String) currency!: string;
  @Field(() => [PlanPriceModel]) prices!: PlanPriceModel[];
}

@ObjectType('Notification')
export class NotificationModel {
  @Field(() => ID) id!: string;
  @Field(() => NotificationKind) kind!: NotificationKind;
  @Field(() => String) message!: string;
  @Field(() => GraphQLJSONObject) data!: Record<string, unknown>;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date, { nullable: true, description: 'Null while unread; read for the whole organization.' })
  readAt!: Date | null;
}
