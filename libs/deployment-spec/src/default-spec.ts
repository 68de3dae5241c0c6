import { assertNever } from '@streamplane/errors';
import { defaultKafkaVersion } from './catalog/kafka-versions';
import type { Cloud, DeploymentSpec } from './deployment-spec';

/**
 * A sensible first spec for the order form: three brokers on memory-optimised 4 vCPU / 32 GiB nodes (Kafka
 * serves reads from the page cache) with 500 GiB each, a quorum of three controllers, the internal listener
 * only, SCRAM-SHA-512 and Strimzi's default Kafka version, in the catalog's price-reference region.
 * A fresh object on every call, so a form may edit it.
 */
export function defaultSpec(cloud: Cloud): DeploymentSpec {
  return {
    name: 'my-kafka',
    cloud,
    ...placement(cloud),
    kafkaVersion: defaultKafkaVersion(),
    controllers: 3,
    brokers: 3,
    storagePerBrokerGiB: 500,
    listeners: { internal: true, external: false },
    clientAuthentication: 'scram-sha-512',
    tags: {},
  };
}

function placement(cloud: Cloud): Pick<DeploymentSpec, 'region' | 'zones' | 'nodeSize'> {
  switch (cloud) {
    case 'azure':
      return { region: 'eastus', zones: ['1', '2', '3'], nodeSize: 'Standard_E4s_v5' };
    case 'aws':
      return {
        region: 'us-east-1',
        zones: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
        nodeSize: 'r6i.xlarge',
      };
    default:
      return assertNever(cloud);
  }
}
