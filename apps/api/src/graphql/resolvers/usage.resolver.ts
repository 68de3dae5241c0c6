import { Args, ID, Query, Resolver } from '@nestjs/graphql';
import type { Principal } from '@streamplane/auth';
import { UsageGranularity, UsageQueriesService, type Meter } from '@streamplane/metering';
import { AnyMember, CurrentPrincipal } from '../../auth/access.decorators';
import {
  MeterAggregation,
  MeterModel,
  PeriodUsageModel,
  UsageRangeInput,
  UsageReportModel,
} from '../models/usage.model';

// A Record over the stored values: a new aggregation without a GraphQL value does not compile.
const AGGREGATION: Record<Meter['aggregation'], MeterAggregation> = {
  SUM: MeterAggregation.SUM,
  MAX: MeterAggregation.MAX,
  UNIQUE_COUNT: MeterAggregation.UNIQUE_COUNT,
  LATEST: MeterAggregation.LATEST,
};

/** Usage reads: VIEWERs and up, always within the caller's organization. */
@Resolver()
export class UsageResolver {
  constructor(private readonly usageQueries: UsageQueriesService) {}

  @AnyMember()
  @Query(() => [MeterModel], { description: 'The dimensions usage is measured in, with units.' })
  async meters(): Promise<MeterModel[]> {
    return (await this.usageQueries.meters()).map((meter) => ({
      ...meter,
      aggregation: AGGREGATION[meter.aggregation],
    }));
  }

  @AnyMember()
  @Query(() => UsageReportModel, {
    description:
      'Usage per deployment, dimension and UTC bucket, exact (hours not rolled up yet are included). ' +
      'Refused (BAD_USER_INPUT) beyond 31 days at HOUR, 400 days otherwise, or 20,000 points.',
  })
  async usage(
    @CurrentPrincipal() principal: Principal,
    @Args('range', { type: () => UsageRangeInput }) range: UsageRangeInput,
    @Args('granularity', { type: () => UsageGranularity }) granularity: UsageGranularity,
    @Args('dimension', { type: () => String, nullable: true }) dimension?: string | null,
    @Args('deploymentId', { type: () => ID, nullable: true }) deploymentId?: string | null,
  ): Promise<UsageReportModel> {
    const input = { from: range.from, to: range.to, granularity, dimension, deploymentId };
    const { query, points } = await this.usageQueries.usage(principal.orgId, input);
    return { from: query.from, to: query.to, granularity: query.granularity, points };
  }

  @AnyMember()
  @Query(() => PeriodUsageModel, {
    description: 'This UTC month’s usage so far, per deployment and dimension (live counters).',
  })
  currentPeriodUsage(@CurrentPrincipal() principal: Principal): Promise<PeriodUsageModel> {
    return this.usageQueries.currentPeriod(principal.orgId);
  }
}
