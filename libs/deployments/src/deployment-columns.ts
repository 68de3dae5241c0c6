import { CloudProvider, KafkaClientAuthentication, Prisma, type Deployment } from '@streamplane/db';
import { parseDeploymentSpec, type Cloud, type DeploymentSpec } from '@streamplane/deployment-spec';
import { assertNever } from '@streamplane/errors';

/** The typed columns that mirror a spec (for listing and filtering); `spec` stays the source of truth. */
export function columnsOf(spec: DeploymentSpec) {
  return {
    name: spec.name,
    cloud: providerOf(spec.cloud),
    region: spec.region,
    zones: [...spec.zones],
    kafkaVersion: spec.kafkaVersion,
    controllers: spec.controllers,
    brokers: spec.brokers,
    nodeSize: spec.nodeSize,
    storagePerBrokerGiB: spec.storagePerBrokerGiB,
    externalListener: spec.listeners.external,
    clientAuthentication:
      spec.clientAuthentication === 'mtls'
        ? KafkaClientAuthentication.MTLS
        : KafkaClientAuthentication.SCRAM_SHA_512,
    spec: spec as unknown as Prisma.InputJsonObject,
  };
}

export function providerOf(cloud: Cloud): CloudProvider {
  switch (cloud) {
    case 'azure':
      return CloudProvider.AZURE;
    case 'aws':
      return CloudProvider.AWS;
    default:
      return assertNever(cloud);
  }
}

/** The stored desired spec, parsed again (a stored spec is validated like any other input). */
export function specOf(deployment: Pick<Deployment, 'spec'>): DeploymentSpec {
  return parseDeploymentSpec(deployment.spec);
}

/** One stack per deployment, named after its id (never after anything a customer can change). */
export function stackNameOf(deploymentId: string): string {
  return `dep-${deploymentId}`;
}
