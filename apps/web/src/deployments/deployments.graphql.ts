import { graphql } from '../generated';

export const deploymentsQuery = graphql(`
  query Deployments {
    deployments {
      id
      name
      status
      statusMessage
      cloud
      region
      kafkaVersion
      brokers
      simulated
      createdAt
      updatedAt
      spec {
        nodeSize
        storagePerBrokerGiB
        zones
      }
    }
  }
`);

export const deploymentQuery = graphql(`
  query Deployment($deploymentId: ID!) {
    deployment(deploymentId: $deploymentId) {
      id
      name
      status
      statusMessage
      cloud
      cloudAccountId
      region
      kafkaVersion
      brokers
      engine
      simulated
      generation
      observedGeneration
      createdAt
      updatedAt
      destroyedAt
      outputs {
        bootstrapExternal
        bootstrapInternal
        clusterName
        grafanaUrl
      }
      spec {
        name
        cloud
        region
        zones
        kafkaVersion
        controllers
        brokers
        nodeSize
        storagePerBrokerGiB
        externalListener
        clientAuthentication
        tags {
          key
          value
        }
      }
    }
  }
`);

export const operationsQuery = graphql(`
  query Operations($deploymentId: ID!, $page: PageInput) {
    operations(deploymentId: $deploymentId, page: $page) {
      items {
        id
        type
        status
        attempt
        generation
        errorCode
        errorMessage
        queuedAt
        startedAt
        finishedAt
        notBefore
        cancelRequestedAt
        rebalanceFirst
        retryOfId
      }
      nextCursor
    }
  }
`);

export const resourceEventsQuery = graphql(`
  query ResourceEvents($operationId: ID!, $page: PageInput) {
    resourceEvents(operationId: $operationId, page: $page) {
      items {
        sequence
        urn
        type
        name
        operation
        state
        message
        time
      }
      nextCursor
    }
  }
`);

export const upgradeProposalsQuery = graphql(`
  query UpgradeProposals($deploymentId: ID!) {
    upgradeProposals(deploymentId: $deploymentId) {
      id
      fromVersion
      toVersion
      state
      createdAt
      expiresAt
      decidedAt
      declineReason
      windowStart
      windowEnd
      operationId
    }
  }
`);

export const previewDeploymentQuery = graphql(`
  query PreviewDeployment($spec: DeploymentSpecInput!) {
    previewDeployment(spec: $spec) {
      simulated
      resources {
        urn
        type
        name
        operation
        parentUrn
      }
      cost {
        totalMonthlyUsd
        cloudProviderMonthlyUsd
        streamplaneMonthlyUsd
        priceReference
        lines {
          item
          description
          quantity
          unit
          unitPriceUsd
          monthlyUsd
          payee
        }
      }
    }
  }
`);

export const previewChangeQuery = graphql(`
  query PreviewChange($deploymentId: ID!, $change: DeploymentChangeInput!) {
    previewChange(deploymentId: $deploymentId, change: $change) {
      changedFields {
        field
        from
        to
      }
      addedResources {
        urn
        type
        name
      }
      removedResources {
        urn
        type
        name
      }
      unchangedResources
      currentMonthlyUsd
      nextMonthlyUsd
      deltaMonthlyUsd
      costLines {
        item
        description
        currentMonthlyUsd
        nextMonthlyUsd
        deltaMonthlyUsd
      }
    }
  }
`);

export const createDeploymentMutation = graphql(`
  mutation CreateDeployment($input: CreateDeploymentInput!) {
    createDeployment(input: $input) {
      deployment {
        id
        name
        status
      }
      operation {
        id
        status
      }
    }
  }
`);

export const scaleDeploymentMutation = graphql(`
  mutation ScaleDeployment($deploymentId: ID!, $change: DeploymentChangeInput!) {
    scaleDeployment(deploymentId: $deploymentId, change: $change) {
      deployment {
        id
        status
        brokers
        generation
      }
      operation {
        id
        type
        status
        rebalanceFirst
      }
    }
  }
`);

export const destroyDeploymentMutation = graphql(`
  mutation DestroyDeployment($deploymentId: ID!, $confirmName: String!) {
    destroyDeployment(deploymentId: $deploymentId, confirmName: $confirmName) {
      deployment {
        id
        status
      }
      operation {
        id
        status
      }
      cloudAccountId
      retainedVolumes {
        brokers
        storagePerBrokerGiB
        totalGiB
        note
      }
    }
  }
`);

export const retryOperationMutation = graphql(`
  mutation RetryOperation($operationId: ID!) {
    retryOperation(operationId: $operationId) {
      deployment {
        id
        status
      }
      operation {
        id
        status
        attempt
      }
    }
  }
`);

export const cancelOperationMutation = graphql(`
  mutation CancelOperation($operationId: ID!) {
    cancelOperation(operationId: $operationId) {
      deployment {
        id
        status
      }
      operation {
        id
        status
        cancelRequestedAt
      }
    }
  }
`);

export const approveUpgradeMutation = graphql(`
  mutation ApproveUpgrade($proposalId: ID!, $window: MaintenanceWindowInput!) {
    approveUpgrade(proposalId: $proposalId, window: $window) {
      id
      state
      windowStart
      windowEnd
      operationId
    }
  }
`);

export const declineUpgradeMutation = graphql(`
  mutation DeclineUpgrade($proposalId: ID!, $reason: String) {
    declineUpgrade(proposalId: $proposalId, reason: $reason) {
      id
      state
      decidedAt
      declineReason
    }
  }
`);

export const deploymentsChangedSubscription = graphql(`
  subscription DeploymentsChanged {
    deploymentsChanged {
      __typename
      kind
      deploymentId
      at
      ... on DeploymentStatusChanged {
        status
        generation
        observedGeneration
        message
      }
      ... on OperationChanged {
        operationId
        type
        operationStatus: status
        attempt
        error
      }
    }
  }
`);

export const deploymentEventsSubscription = graphql(`
  subscription DeploymentEvents($deploymentId: ID!) {
    deploymentEvents(deploymentId: $deploymentId) {
      __typename
      kind
      deploymentId
      at
      ... on DeploymentStatusChanged {
        status
        generation
        observedGeneration
        message
      }
      ... on OperationChanged {
        operationId
        type
        operationStatus: status
        attempt
        error
      }
      ... on ResourceProgress {
        operationId
        sequence
        urn
        resourceType
        name
        action
        state
        message
      }
    }
  }
`);

export const rotateAgentTokenMutation = graphql(`
  mutation RotateAgentToken($deploymentId: ID!, $revokePrevious: Boolean) {
    rotateAgentToken(deploymentId: $deploymentId, revokePrevious: $revokePrevious) {
      id
      type
      status
    }
  }
`);
