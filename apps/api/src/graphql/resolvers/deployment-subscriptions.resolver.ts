import { UseFilters } from '@nestjs/common';
import { Args, ID, Resolver, Subscription } from '@nestjs/graphql';
import type { Principal } from '@streamplane/auth';
import type { DeploymentEvent } from '@streamplane/deployments';
import { AnyMember, CurrentPrincipal } from '../../auth/access.decorators';
import { DeploymentEventStreams } from '../../subscriptions/deployment-event-streams';
import { SubscriptionExceptionFilter } from '../../subscriptions/subscription-exception.filter';
import { DeploymentEventModel, toDeploymentEventModel } from '../models/deployment-events.model';

/**
 * Live status over graphql-transport-ws (`ws://…/graphql`). Authenticate the socket with
 * `connection_init` `{ authorization: "Bearer …" }`, or, from the dashboard, with the session cookie and
 * `{ csrfToken }` (the sp_csrf cookie's value).
 */
@Resolver()
@UseFilters(SubscriptionExceptionFilter)
export class DeploymentSubscriptionsResolver {
  constructor(private readonly streams: DeploymentEventStreams) {}

  @AnyMember()
  @Subscription(() => DeploymentEventModel, {
    description:
      'Everything that happens to one deployment of your organization, in order: status changes, ' +
      'operations, and each cloud resource as the running operation moves it. NOT_FOUND for an id that is ' +
      'not one of your organization’s deployments.',
    resolve: (event: DeploymentEvent) => toDeploymentEventModel(event),
  })
  deploymentEvents(
    @CurrentPrincipal() principal: Principal,
    @Args('deploymentId', { type: () => ID }) deploymentId: string,
  ) {
    return this.streams.forDeployment(principal, deploymentId);
  }

  @AnyMember()
  @Subscription(() => DeploymentEventModel, {
    description:
      'Status and operation changes (DeploymentStatusChanged, OperationChanged) of every deployment of your ' +
      'organization: what a list of deployments needs to stay current.',
    resolve: (event: DeploymentEvent) => toDeploymentEventModel(event),
  })
  deploymentsChanged(@CurrentPrincipal() principal: Principal) {
    return this.streams.forOrganization(principal);
  }
}
