import { graphql } from '../generated';

export const replicationLinksQuery = graphql(`
  query ReplicationLinks {
    replicationLinks {
      id
      sourceDeploymentId
      targetDeploymentId
      mode
      topicNaming
      topics
      consumerGroups
      status
      statusMessage
      activeDeploymentId
      generation
      flows {
        fromDeploymentId
        toDeploymentId
        paused
      }
      steps {
        at
        action
        detail
        operationIds
      }
      health {
        verdict
        directions {
          fromDeploymentId
          toDeploymentId
          paused
          verdict
          observedAt
          ageSeconds
          maxLag
          totalLag
          lastCheckpointAgeSeconds
          topics {
            topic
            lag
          }
        }
      }
      clientSettings {
        ...ClientSettingsFields
      }
      operations {
        id
        deploymentId
        status
        type
        errorMessage
        queuedAt
      }
      createdAt
      updatedAt
    }
  }
`);

export const clientSettingsFragment = graphql(`
  fragment ClientSettingsFields on ReplicationClientSettings {
    deploymentId
    deploymentName
    bootstrapServers
    bootstrapInternal
    topics {
      selection
      consumeOnActive
    }
    notes
  }
`);

/** The deployments a link can join: names, regions and whether they run (and are simulated). */
export const linkableDeploymentsQuery = graphql(`
  query LinkableDeployments {
    deployments {
      id
      name
      status
      region
      simulated
      spec {
        externalListener
        clientAuthentication
      }
    }
  }
`);

export const createReplicationLinkMutation = graphql(`
  mutation CreateReplicationLink($input: CreateReplicationLinkInput!) {
    createReplicationLink(input: $input) {
      link {
        id
        status
      }
      operations {
        id
        deploymentId
        status
      }
    }
  }
`);

export const deleteReplicationLinkMutation = graphql(`
  mutation DeleteReplicationLink($linkId: ID!) {
    deleteReplicationLink(linkId: $linkId) {
      link {
        id
        status
      }
    }
  }
`);

export const retryReplicationLinkMutation = graphql(`
  mutation RetryReplicationLink($linkId: ID!) {
    retryReplicationLink(linkId: $linkId) {
      link {
        id
        status
      }
    }
  }
`);

export const failoverReplicationLinkMutation = graphql(`
  mutation FailoverReplicationLink($linkId: ID!, $force: Boolean, $sourceUnreachable: Boolean) {
    failoverReplicationLink(linkId: $linkId, force: $force, sourceUnreachable: $sourceUnreachable) {
      ...SwitchFields
    }
  }
`);

export const failbackReplicationLinkMutation = graphql(`
  mutation FailbackReplicationLink($linkId: ID!, $force: Boolean) {
    failbackReplicationLink(linkId: $linkId, force: $force) {
      ...SwitchFields
    }
  }
`);

export const switchFragment = graphql(`
  fragment SwitchFields on ReplicationSwitch {
    link {
      id
      status
      activeDeploymentId
      steps {
        at
        action
        detail
        operationIds
      }
    }
    operations {
      id
      deploymentId
      status
    }
    prechecks {
      check
      passed
      detail
    }
    forced
    nextStep
    clientSettings {
      ...ClientSettingsFields
    }
  }
`);
