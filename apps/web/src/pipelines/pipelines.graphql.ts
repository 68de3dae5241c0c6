import { graphql } from '../generated';

export const pipelineStageCatalogQuery = graphql(`
  query PipelineStageCatalog {
    pipelineStageCatalog {
      kind
      role
      title
      description
      options {
        name
        type
        required
        secret
        description
      }
    }
  }
`);

export const deploymentPipelinesQuery = graphql(`
  query DeploymentPipelines($deploymentId: ID!) {
    pipelines(deploymentId: $deploymentId) {
      id
      name
      description
      status
      statusMessage
      stages {
        name
        kind
      }
      totals {
        throughputPerSec
        totalLag
        observedAt
      }
      updatedAt
    }
    deployment(deploymentId: $deploymentId) {
      id
      connectedAssets {
        count
        periodStart
      }
    }
  }
`);

export const pipelineQuery = graphql(`
  query Pipeline($pipelineId: ID!) {
    pipeline(pipelineId: $pipelineId) {
      id
      deploymentId
      name
      description
      status
      statusMessage
      generation
      appliedGeneration
      desiredState
      appliedState
      deleteTopics
      topics {
        partitions
        retentionHours
        cleanupPolicy
        replicationFactor
      }
      stages {
        name
        kind
        role
        options
        inputTopic
        outputTopic
        deadLetterTopic
        consumerGroup
        lagThreshold
        maxReplicas
      }
      checkpoints {
        stage
        sequence
        state
        messagesPerSec
        lag
        lastOffset
        assetsSeen
        error
        observedAt
      }
      totals {
        throughputPerSec
        totalLag
        observedAt
      }
      operations(first: 10) {
        id
        type
        change
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
      createdAt
      updatedAt
      deletedAt
    }
  }
`);

/** The deployment a pipeline page needs to know about: its name, status and whether it is simulated. */
export const pipelineDeploymentQuery = graphql(`
  query PipelineDeployment($deploymentId: ID!) {
    deployment(deploymentId: $deploymentId) {
      id
      name
      status
      simulated
      connectedAssets {
        count
        periodStart
      }
    }
  }
`);

export const pipelineStatusSubscription = graphql(`
  subscription PipelineStatus($pipelineId: ID!) {
    pipelineStatus(pipelineId: $pipelineId) {
      kind
      pipelineId
      at
      status
      generation
      appliedGeneration
      message
      checkpoint {
        stage
        sequence
        state
        messagesPerSec
        lag
        lastOffset
        assetsSeen
        error
        observedAt
      }
    }
  }
`);

export const createPipelineMutation = graphql(`
  mutation CreatePipeline($input: CreatePipelineInput!) {
    createPipeline(input: $input) {
      pipeline {
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

export const deployPipelineMutation = graphql(`
  mutation DeployPipeline($pipelineId: ID!) {
    deployPipeline(pipelineId: $pipelineId) {
      pipeline {
        id
        status
      }
      operation {
        id
        status
      }
    }
  }
`);

export const pausePipelineMutation = graphql(`
  mutation PausePipeline($pipelineId: ID!) {
    pausePipeline(pipelineId: $pipelineId) {
      pipeline {
        id
        status
      }
      operation {
        id
        status
      }
    }
  }
`);

export const resumePipelineMutation = graphql(`
  mutation ResumePipeline($pipelineId: ID!) {
    resumePipeline(pipelineId: $pipelineId) {
      pipeline {
        id
        status
      }
      operation {
        id
        status
      }
    }
  }
`);

export const deletePipelineMutation = graphql(`
  mutation DeletePipeline($pipelineId: ID!, $deleteTopics: Boolean) {
    deletePipeline(pipelineId: $pipelineId, deleteTopics: $deleteTopics) {
      pipeline {
        id
        status
        deleteTopics
      }
      operation {
        id
        status
      }
    }
  }
`);

export const updatePipelineMutation = graphql(`
  mutation UpdatePipeline($pipelineId: ID!, $spec: UpdatePipelineInput!) {
    updatePipeline(pipelineId: $pipelineId, spec: $spec) {
      pipeline {
        id
        status
        generation
      }
      operation {
        id
        status
      }
    }
  }
`);
