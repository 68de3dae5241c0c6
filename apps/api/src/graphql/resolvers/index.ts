import { ApiTokensResolver } from './api-tokens.resolver';
import { AuditLogResolver } from './audit-log.resolver';
import { BillingResolver } from './billing.resolver';
import { CloudAccountsResolver } from './cloud-accounts.resolver';
import { DeploymentsResolver } from './deployments.resolver';
import { DeploymentSubscriptionsResolver } from './deployment-subscriptions.resolver';
import { InvitationsResolver } from './invitations.resolver';
import { MembersResolver } from './members.resolver';
import { OrganizationResolver } from './organization.resolver';
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
  UsageResolver,
  BillingResolver,
];
