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
