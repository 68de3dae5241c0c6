import type { CloudAccount } from '@streamplane/db';
import { parseAwsRoleArn } from '../cloud-account.inputs';
import {
  awsPermissionPolicy,
  awsTrustPolicy,
  azureRoleAssignmentCondition,
  azureRoleDefinition,
  type AzureRoleDefinition,
  type PolicyDocument,
} from './grant-policies';

/**
 * What the customer must grant Streamplane, for one account: the documents, and the steps in words. None
 * of it is secret (an AWS external id is not a secret: it stops another Streamplane customer from pointing
 * Streamplane at this role).
 */
export interface CloudAccountGrant {
  steps: string[];
  awsTrustPolicy: PolicyDocument | null;
  awsPermissionPolicy: PolicyDocument | null;
  azureRoleDefinition: AzureRoleDefinition | null;
  /** Where the Azure role is assigned: the subscription, or the one resource group allowed. */
  azureScope: string | null;
  /**
   * The ABAC condition (version 2.0) to put on the Azure role assignment, so that the role's right to
   * assign roles covers only the built-in roles the deployment needs, never Owner.
   */
  azureRoleAssignmentCondition: string | null;
}

type GrantSource = Pick<
  CloudAccount,
  | 'provider'
  | 'awsAccountId'
  | 'awsRoleArn'
  | 'awsExternalId'
  | 'azureTenantId'
  | 'azureClientId'
  | 'azureSubscriptionId'
  | 'azureResourceGroup'
>;

export function cloudAccountGrant(account: GrantSource, streamplaneAwsAccountId: string): CloudAccountGrant {
  switch (account.provider) {
    case 'AWS':
      return awsGrant(account, streamplaneAwsAccountId);
    case 'AZURE':
      return azureGrant(account);
  }
}

function awsGrant(account: GrantSource, streamplaneAwsAccountId: string): CloudAccountGrant {
  const roleArn = account.awsRoleArn!;
  const externalId = account.awsExternalId!;
  const roleName = parseAwsRoleArn(roleArn)?.roleName ?? roleArn;
  return {
    steps: [
      `In AWS account ${account.awsAccountId}, create the IAM role ${roleName} (${roleArn}) with the trust ` +
        `policy below: it lets Streamplane's AWS account ${streamplaneAwsAccountId} assume the role, and ` +
        `only with the external id ${externalId}. ` +
        `For example: aws iam create-role --role-name ${roleName} --assume-role-policy-document file://trust-policy.json`,
      'Give the role the permission policy below as an inline policy. For example: ' +
        `aws iam put-role-policy --role-name ${roleName} --policy-name streamplane --policy-document file://permission-policy.json`,
      'Verify the account (verifyCloudAccount) before deploying to it.',
    ],
    awsTrustPolicy: awsTrustPolicy(streamplaneAwsAccountId, externalId),
    awsPermissionPolicy: awsPermissionPolicy(),
    azureRoleDefinition: null,
    azureScope: null,
    azureRoleAssignmentCondition: null,
  };
}

function azureGrant(account: GrantSource): CloudAccountGrant {
  const subscriptionId = account.azureSubscriptionId!;
  const definition = azureRoleDefinition(subscriptionId, account.azureResourceGroup);
  const scope = definition.AssignableScopes[0];
  const { condition, conditionVersion } = azureRoleAssignmentCondition();
  return {
    steps: [
      `In tenant ${account.azureTenantId}, create the custom role below. For example: ` +
        'az role definition create --role-definition @streamplane-role.json',
      `Assign it to the app ${account.azureClientId} at ${scope}, with the condition below (it limits the ` +
        'role assignments the role may make to the built-in roles a deployment needs). For example: ' +
        `az role assignment create --assignee ${account.azureClientId} --role "${definition.Name}" --scope ${scope} ` +
        `--condition "$(cat condition.txt)" --condition-version ${conditionVersion}`,
      'Verify the account (verifyCloudAccount) before deploying to it.',
    ],
    awsTrustPolicy: null,
    awsPermissionPolicy: null,
    azureRoleDefinition: definition,
    azureScope: scope,
    azureRoleAssignmentCondition: condition,
  };
}
