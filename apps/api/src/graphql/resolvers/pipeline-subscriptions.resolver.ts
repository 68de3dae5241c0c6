import { UseFilters } from '@nestjs/common';
import { Args, ID, Resolver, Subscription } from '@nestjs/graphql';
import type { Principal } from '@streamplane/auth';
import { Metrics } from '@streamplane/observability';
import { PipelinesService, type PipelineLiveEvent } from '@streamplane/pipelines';
import { AnyMember, CurrentPrincipal } from '../../auth/access.decorators';
import { SubscriptionExceptionFilter } from '../../subscriptions/subscription-exception.filter';
import { PipelineEventBus } from '../live/pipeline-event-bus';
import { PipelineStatusEventModel } from '../models/pipeline.model';
import { pipelineEventModel } from './pipeline-mapping';

/** Live pipeline status and checkpoints over graphql-transport-ws (authenticated like deploymentEvents). */
@Resolver()
@UseFilters(SubscriptionExceptionFilter)
export class PipelineSubscriptionsResolver {
  constructor(
    private readonly pipelines: PipelinesService,
    private readonly bus: PipelineEventBus,
    private readonly metrics: Metrics,
  ) {}

  @AnyMember()
  @Subscription(() => PipelineStatusEventModel, {
    description:
      'One pipeline of your organization, live: its status changes and each stage checkpoint as the agent ' +
      'reports it. NOT_FOUND for an id that is not one of your organization’s pipelines.',
    resolve: (event: PipelineLiveEvent) => pipelineEventModel(event),
  })
  async pipelineStatus(
    @CurrentPrincipal() principal: Principal,
    @Args('pipelineId', { type: () => ID }) pipelineId: string,
  ) {
    // The organization is the principal's; another's pipeline is NOT_FOUND exactly as for the query.
    await this.pipelines.get(principal, pipelineId);
    const gauge = this.metrics.graphqlActiveSubscriptions.labels({ subscription: 'pipelineStatus' });
    const stream = await this.bus.stream(
      principal.orgId,
      (event) => event.pipelineId === pipelineId,
      () => gauge.dec(),
    );
    gauge.inc();
    return stream;
  }
}
