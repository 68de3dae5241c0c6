import { graphql } from '../generated';

export const cloudAccountsQuery = graphql(`
  query CloudAccounts {
    cloudAccounts {
      id
      name
      provider
      allowedRegions
      createdAt
      aws {
        accountId
        roleArn
        externalId
      }
      azure {
        subscriptionId
        tenantId
        clientId
        resourceGroup
      }
      verification {
        status
        simulated
        checkedAt
        verifiedAt
        failureCode
        failureReason
      }
    }
  }
`);

export const cloudAccountQuery = graphql(`
  query CloudAccount($cloudAccountId: ID!) {
    cloudAccount(cloudAccountId: $cloudAccountId) {
      id
      name
      provider
      allowedRegions
      createdAt
      updatedAt
      aws {
        accountId
        roleArn
        externalId
      }
      azure {
        subscriptionId
        tenantId
        clientId
        resourceGroup
      }
      grant {
        steps
        awsTrustPolicy
        awsPermissionPolicy
        azureRoleDefinition
        azureScope
        azureRoleAssignmentCondition
      }
      verification {
        status
        simulated
        checkedAt
        verifiedAt
        failureCode
        failureReason
      }
    }
  }
`);

export const connectAwsAccountMutation = graphql(`
  mutation ConnectAwsAccount($input: ConnectAwsAccountInput!) {
    connectAwsAccount(input: $input) {
      id
      name
      provider
    }
  }
`);

export const connectAzureAccountMutation = graphql(`
  mutation ConnectAzureAccount($input: ConnectAzureAccountInput!) {
    connectAzureAccount(input: $input) {
      id
      name
      provider
    }
  }
`);

export const verifyCloudAccountMutation = graphql(`
  mutation VerifyCloudAccount($cloudAccountId: ID!) {
    verifyCloudAccount(cloudAccountId: $cloudAccountId) {
      id
      verification {
        status
        simulated
        checkedAt
        verifiedAt
        failureCode
        failureReason
      }
    }
  }
`);

export const updateCloudAccountMutation = graphql(`
  mutation UpdateCloudAccount($cloudAccountId: ID!, $input: UpdateCloudAccountInput!) {
    updateCloudAccount(cloudAccountId: $cloudAccountId, input: $input) {
      id
      name
      allowedRegions
    }
  }
`);

export const deleteCloudAccountMutation = graphql(`
  mutation DeleteCloudAccount($cloudAccountId: ID!) {
    deleteCloudAccount(cloudAccountId: $cloudAccountId) {
      id
    }
  }
`);
