import { ApiTokensResolver } from './api-tokens.resolver';
import { AuditLogResolver } from './audit-log.resolver';
import { BillingResolver } from './billing.resolver';
import { CloudAccountsResolver } from './cloud-accounts.resolver';
import { DeploymentsResolver } from './deployments.resolver';
import { DeploymentPipelinesResolver } from './deployment-pipelines.resolver';
import { DeploymentSubscriptionsResolver } from './deployment-subscriptions.resolver';
import { InvitationsResolver } from './invitations.resolver';
import { MembersResolver } from './members.resolver';
import { OrganizationResolver } from './organization.resolver';
import { PipelineSubscriptionsResolver } from './pipeline-subscriptions.resolver';
import { PipelinesResolver } from './pipelines.resolver';
import { ReplicationResolver } from './replication.resolver';
import { UsageResolver } from './usage.resolver';
import { ViewerResolver } from './viewer.resolver';

/** Every resolver of the API: the schema printer and the guard test read this list. */
export const RESOLVERS = [
  ViewerResolver,
  OrganizationResolver,
  MembersResolver,
  InvitationsResolver,
  ApiTokensResolver,
  AuditLogResolver,
  CloudAccountsResolver,
  DeploymentsResolver,
  DeploymentSubscriptionsResolver,
  PipelinesResolver,
  DeploymentPipelinesResolver,
  PipelineSubscriptionsResolver,
  ReplicationResolver,
  UsageResolver,
  BillingResolver,
];
