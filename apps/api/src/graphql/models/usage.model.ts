import { Field, ID, InputType, ObjectType, registerEnumType } from '@nestjs/graphql';
import { UsageGranularity } from '@streamplane/metering';

export enum MeterAggregation {
  SUM = 'SUM',
  MAX = 'MAX',
  UNIQUE_COUNT = 'UNIQUE_COUNT',
  LATEST = 'LATEST',
}
registerEnumType(MeterAggregation, {
  name: 'MeterAggregation',
  description:
    'How a meter’s values make a bucket: SUM adds them, MAX takes the largest, LATEST the last one, ' +
    'UNIQUE_COUNT counts distinct keys (e.g. devices) in the bucket.',
});
registerEnumType(UsageGranularity, {
  name: 'UsageGranularity',
  description: 'UTC hours, UTC days or UTC calendar months.',
});

@ObjectType('Meter', { description: 'A dimension usage is measured and billed in.' })
export class MeterModel {
  @Field(() => String, { description: 'The name usage events carry in `data.dimension`.' })
  dimension!: string;
  @Field(() => String) displayName!: string;
  @Field(() => String, { description: 'What one unit of quantity is, e.g. `broker-hour`, `byte`.' })
  unit!: string;
  @Field(() => MeterAggregation) aggregation!: MeterAggregation;
  @Field(() => String) description!: string;
}

@InputType('UsageRangeInput', {
  description:
    'Half-open [from, to). Usage is kept per UTC hour, so the range is widened to the hours it touches. ' +
    'At most 31 days at HOUR granularity, 400 days at DAY and MONTH.',
})
export class UsageRangeInput {
  @Field(() => Date) from!: Date;
  @Field(() => Date) to!: Date;
}

@ObjectType('UsagePoint', { description: 'The usage of one deployment in one dimension and bucket.' })
export class UsagePointModel {
  @Field(() => Date, { description: 'The UTC start of the bucket.' }) bucketStart!: Date;
  @Field(() => ID) deploymentId!: string;
  @Field(() => String) deploymentName!: string;
  @Field(() => String) dimension!: string;
  @Field(() => String) unit!: string;
  @Field(() => String, { description: 'Exact decimal (never rounded to a float), e.g. "2.5".' })
  quantity!: string;
}

@ObjectType('UsageReport')
export class UsageReportModel {
  @Field(() => Date, { description: 'The range answered, widened to whole hours.' }) from!: Date;
  @Field(() => Date) to!: Date;
  @Field(() => UsageGranularity) granularity!: UsageGranularity;
  @Field(() => [UsagePointModel], {
    description:
      'Ordered by bucket, then deployment name, then dimension. Buckets without usage are absent. ' +
      'Includes hours the billing worker has not rolled up yet (computed from their events).',
  })
  points!: UsagePointModel[];
}

@ObjectType('UsageTotal', { description: 'One deployment’s usage of one dimension so far this period.' })
export class UsageTotalModel {
  @Field(() => ID) deploymentId!: string;
  @Field(() => String) deploymentName!: string;
  @Field(() => String) dimension!: string;
  @Field(() => String) unit!: string;
  @Field(() => String, { description: 'Exact decimal.' }) quantity!: string;
}

@ObjectType('PeriodUsage', { description: 'The current billing period (the UTC calendar month) so far.' })
export class PeriodUsageModel {
  @Field(() => Date) periodStart!: Date;
  @Field(() => Date, { description: 'Exclusive: the start of the next month.' }) periodEnd!: Date;
  @Field(() => [UsageTotalModel]) totals!: UsageTotalModel[];
}
