/** GraphQL answers as the api gives them, for page tests. */
export const NOW = '2026-11-22T10:00:00.000Z';

export function deployment(overrides: Record<string, unknown> = {}) {
  return {
    id: 'dep-1',
    name: 'orders',
    status: 'RUNNING',
    statusMessage: null,
    cloud: 'AWS',
    cloudAccountId: 'acc-1',
    region: 'us-east-1',
    kafkaVersion: '4.3.0',
    brokers: 3,
    engine: 'local',
    simulated: true,
    generation: 1,
    observedGeneration: 1,
    createdAt: NOW,
    updatedAt: NOW,
    destroyedAt: null,
    outputs: {
      bootstrapExternal: null,
      bootstrapInternal: 'streamplane-kafka-bootstrap.kafka.svc:9093',
      clusterName: 'streamplane',
      grafanaUrl: 'https://grafana-1.local.streamplane.invalid/',
    },
    spec: {
      name: 'orders',
      cloud: 'AWS',
      region: 'us-east-1',
      zones: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
      kafkaVersion: '4.3.0',
      controllers: 3,
      brokers: 3,
      nodeSize: 'r6i.xlarge',
      storagePerBrokerGiB: 500,
      externalListener: false,
      clientAuthentication: 'SCRAM_SHA_512',
      tags: [],
    },
    ...overrides,
  };
}

export function operation(overrides: Record<string, unknown> = {}) {
  return {
    id: 'op-1',
    type: 'CREATE',
    status: 'SUCCEEDED',
    attempt: 1,
    generation: 1,
    errorCode: null,
    errorMessage: null,
    queuedAt: NOW,
    startedAt: NOW,
    finishedAt: NOW,
    notBefore: null,
    cancelRequestedAt: null,
    rebalanceFirst: false,
    retryOfId: null,
    ...overrides,
  };
}

export function proposal(overrides: Record<string, unknown> = {}) {
  return {
    id: 'prop-1',
    fromVersion: '4.3.0',
    toVersion: '4.3.1',
    state: 'PROPOSED',
    createdAt: NOW,
    expiresAt: '2026-12-22T10:00:00.000Z',
    decidedAt: null,
    declineReason: null,
    windowStart: null,
    windowEnd: null,
    operationId: null,
    ...overrides,
  };
}

export function deploymentPageAnswers(
  overrides: { deployment?: Record<string, unknown>; operations?: unknown[]; proposals?: unknown[] } = {},
) {
  return {
    Deployment: { data: { deployment: deployment(overrides.deployment) } },
    Operations: { data: { operations: { items: overrides.operations ?? [operation()], nextCursor: null } } },
    UpgradeProposals: { data: { upgradeProposals: overrides.proposals ?? [] } },
    ResourceEvents: { data: { resourceEvents: { items: [], nextCursor: null } } },
    CloudAccounts: { data: { cloudAccounts: [] } },
  };
}

/** The stage kinds as `pipelineStageCatalog` lists them (the ones the page tests use). */
export function stageCatalog() {
  const kind = (k: string, title: string, options: [string, boolean][]) => ({
    kind: k,
    role: k.split('.')[0],
    title,
    description: `${title}.`,
    options: options.map(([name, required]) => ({
      name,
      type: 'string',
      required,
      secret: name === 'password' || name === 'connectionString',
      description: `The ${name}.`,
    })),
  });
  return [
    kind('source.mqtt', 'MQTT subscription', [
      ['brokerUrl', true],
      ['topicFilter', true],
      ['qos', false],
      ['assetIdFrom', false],
      ['username', false],
      ['password', false],
    ]),
    kind('source.kafka', 'Existing Kafka topic', [['topic', true]]),
    kind('transform.filter', 'Filter', [
      ['match', false],
      ['predicates', true],
    ]),
    kind('transform.map', 'Map fields', [['fields', true]]),
    kind('sink.kafka', 'Kafka topic', [['topic', true]]),
    kind('sink.http', 'HTTP webhook', [
      ['url', true],
      ['headers', false],
      ['batchSize', false],
    ]),
  ];
}

export function checkpoint(overrides: Record<string, unknown> = {}) {
  return {
    stage: 'ingest',
    sequence: 1,
    state: 'RUNNING',
    messagesPerSec: 120,
    lag: 0,
    lastOffset: 1000,
    assetsSeen: null,
    error: null,
    observedAt: NOW,
    ...overrides,
  };
}

export function pipeline(overrides: Record<string, unknown> = {}) {
  return {
    id: 'pipe-1',
    deploymentId: 'dep-1',
    name: 'telemetry',
    description: null,
    status: 'RUNNING',
    statusMessage: null,
    generation: 1,
    appliedGeneration: 1,
    desiredState: 'ACTIVE',
    appliedState: 'ACTIVE',
    deleteTopics: false,
    topics: { partitions: 6, retentionHours: 168, cleanupPolicy: 'delete', replicationFactor: 3 },
    stages: [
      {
        name: 'ingest',
        kind: 'source.mqtt',
        role: 'source',
        options: { brokerUrl: 'mqtts://broker.example.com', topicFilter: 'devices/+/telemetry', qos: 1 },
        inputTopic: null,
        outputTopic: 'telemetry.ingest',
        deadLetterTopic: null,
        consumerGroup: null,
        lagThreshold: 1000,
        maxReplicas: null,
      },
      {
        name: 'hot',
        kind: 'transform.filter',
        role: 'transform',
        options: { match: 'all', predicates: [{ field: 'temperature', op: 'gt', value: 30 }] },
        inputTopic: 'telemetry.ingest',
        outputTopic: 'telemetry.hot',
        deadLetterTopic: null,
        consumerGroup: 'sp-telemetry-hot',
        lagThreshold: 1000,
        maxReplicas: null,
      },
      {
        name: 'deliver',
        kind: 'sink.kafka',
        role: 'sink',
        options: { topic: 'alerts' },
        inputTopic: 'telemetry.hot',
        outputTopic: 'alerts',
        deadLetterTopic: null,
        consumerGroup: 'sp-telemetry-deliver',
        lagThreshold: 1000,
        maxReplicas: null,
      },
    ],
    checkpoints: [],
    totals: { throughputPerSec: 0, totalLag: 0, observedAt: null },
    operations: [operation({ id: 'op-p1', type: 'PIPELINE' })],
    createdAt: NOW,
    updatedAt: NOW,
    deletedAt: null,
    ...overrides,
  };
}

export function pipelinePageAnswers(
  overrides: { pipeline?: Record<string, unknown>; deployment?: Record<string, unknown> } = {},
) {
  return {
    Pipeline: { data: { pipeline: pipeline(overrides.pipeline) } },
    PipelineDeployment: {
      data: {
        deployment: {
          id: 'dep-1',
          name: 'orders',
          status: 'RUNNING',
          simulated: true,
          connectedAssets: { count: 42, periodStart: '2026-11-01T00:00:00.000Z' },
          ...overrides.deployment,
        },
      },
    },
    ResourceEvents: { data: { resourceEvents: { items: [], nextCursor: null } } },
  };
}
