import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { Principal } from '@streamplane/auth';
import { CloudAccountsService, type CloudAccountView } from '@streamplane/cloud-accounts';
import { AnyMember, CurrentPrincipal, RequireRole } from '../../auth/access.decorators';
import {
  CloudAccountModel,
  ConnectAwsAccountInput,
  ConnectAzureAccountInput,
  UpdateCloudAccountInput,
} from '../models/cloud-account.model';
import { Role } from '../models/enums';

const asJson = (document: object | null) => (document ? JSON.stringify(document, null, 2) : null);

@Resolver(() => CloudAccountModel)
export class CloudAccountsResolver {
  constructor(private readonly accounts: CloudAccountsService) {}

  @AnyMember()
  @Query(() => [CloudAccountModel], { description: 'The organization’s cloud accounts, oldest first.' })
  async cloudAccounts(@CurrentPrincipal() principal: Principal) {
    return (await this.accounts.list(principal.orgId)).map((row) => this.toModel(row));
  }

  @AnyMember()
  @Query(() => CloudAccountModel)
  async cloudAccount(
    @CurrentPrincipal() principal: Principal,
    @Args('cloudAccountId', { type: () => ID }) cloudAccountId: string,
  ) {
    return this.toModel(await this.accounts.get(principal.orgId, cloudAccountId));
  }

  @RequireRole(Role.ADMIN)
  @Mutation(() => CloudAccountModel, {
    description:
      'Registers an AWS role; the answer holds its external id and what to grant (`grant`). Then verify.',
  })
  async connectAwsAccount(
    @CurrentPrincipal() principal: Principal,
    @Args('input') input: ConnectAwsAccountInput,
  ) {
    return this.toModel(await this.accounts.connectAws(principal, { ...input }));
  }

  @RequireRole(Role.ADMIN)
  @Mutation(() => CloudAccountModel, {
    description:
      'Registers an Azure service principal; the answer says what role to assign (`grant`). Then verify.',
  })
  async connectAzureAccount(
    @CurrentPrincipal() principal: Principal,
    @Args('input') input: ConnectAzureAccountInput,
  ) {
    return this.toModel(await this.accounts.connectAzure(principal, { ...input }));
  }

  @RequireRole(Role.ADMIN)
  @Mutation(() => CloudAccountModel, { description: 'Renames the account or changes its allowed regions.' })
  async updateCloudAccount(
    @CurrentPrincipal() principal: Principal,
    @Args('cloudAccountId', { type: () => ID }) cloudAccountId: string,
    @Args('input') input: UpdateCloudAccountInput,
  ) {
    return this.toModel(await this.accounts.update(principal, cloudAccountId, { ...input }));
  }

  @RequireRole(Role.ADMIN)
  @Mutation(() => CloudAccountModel, {
    description:
      'Checks that Streamplane can use the account (AWS: assumes the role; Azure: signs in and reads the ' +
      'subscription) and records the outcome in `verification`. A failed check is an answer, not an error.',
  })
  async verifyCloudAccount(
    @CurrentPrincipal() principal: Principal,
    @Args('cloudAccountId', { type: () => ID }) cloudAccountId: string,
  ) {
    return this.toModel(await this.accounts.verify(principal, cloudAccountId));
  }

  @RequireRole(Role.ADMIN)
  @Mutation(() => CloudAccountModel, {
    description: 'Deletes the account and its stored credentials. Refused while a deployment uses it.',
  })
  async deleteCloudAccount(
    @CurrentPrincipal() principal: Principal,
    @Args('cloudAccountId', { type: () => ID }) cloudAccountId: string,
  ) {
    return this.toModel(await this.accounts.delete(principal, cloudAccountId));
  }

  private toModel(row: CloudAccountView): CloudAccountModel {
    const grant = this.accounts.grantFor(row);
    return {
      id: row.id,
      name: row.name,
      provider: row.provider,
      allowedRegions: row.allowedRegions,
      aws:
        row.provider === 'AWS'
          ? { accountId: row.awsAccountId!, roleArn: row.awsRoleArn!, externalId: row.awsExternalId! }
          : null,
      azure:
        row.provider === 'AZURE'
          ? {
              tenantId: row.azureTenantId!,
              clientId: row.azureClientId!,
              subscriptionId: row.azureSubscriptionId!,
              resourceGroup: row.azureResourceGroup,
            }
          : null,
      verification: {
        status: row.status,
        simulated: row.verificationSimulated,
        checkedAt: row.checkedAt,
        verifiedAt: row.verifiedAt,
        failureCode: row.failureCode,
        failureReason: row.failureReason,
      },
      grant: {
        steps: grant.steps,
        awsTrustPolicy: asJson(grant.awsTrustPolicy),
        awsPermissionPolicy: asJson(grant.awsPermissionPolicy),
        azureRoleDefinition: asJson(grant.azureRoleDefinition),
        azureScope: grant.azureScope,
        azureRoleAssignmentCondition: grant.azureRoleAssignmentCondition,
      },
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
  }
}
