import { createHash } from 'node:crypto';
import type * as pulumi from '@pulumi/pulumi';

/**
 * Realistic state for what the platform registers, for Pulumi's runtime mocks (unit tests and the local
 * engine): what the Kubernetes API, Helm, Strimzi and ingress-nginx would report back. Values derive from the
 * resource's name, so repeated runs give the same outputs.
 *
 * - Helm releases get a `deployed` status naming the release.
 * - A `Kafka` gets Strimzi's Ready condition and listener addresses; the external listener's bootstrap is a
 *   load balancer address on port 9094 (an address from TEST-NET-3, so it can never be mistaken for a real one).
 * - An `Ingress` gets the ingress controller's load balancer address.
 * - The generated Grafana password is a fixed-length hash of the resource name.
 */
export function kubernetesMockResourceState(args: pulumi.runtime.MockResourceArgs): {
  id: string;
  state: Record<string, unknown>;
} {
  const inputs = args.inputs as Record<string, unknown>;
  const metadata = (inputs.metadata ?? {}) as { name?: string; namespace?: string };
  const objectName = metadata.name ?? args.name;
  const id = metadata.namespace ? `${metadata.namespace}/${objectName}` : objectName;
  const address = `203.0.113.${(parseInt(hash(args.name, 2), 16) % 250) + 1}`;

  switch (args.type) {
    case 'kubernetes:helm.sh/v3:Release': {
      const releaseName = typeof inputs.name === 'string' ? inputs.name : args.name;
      const namespace = typeof inputs.namespace === 'string' ? inputs.namespace : 'default';
      return {
        id: `${namespace}/${releaseName}`,
        state: {
          ...inputs,
          status: {
            name: releaseName,
            namespace,
            chart: inputs.chart,
            version: inputs.version,
            status: 'deployed',
            revision: 1,
          },
        },
      };
    }
    case 'kubernetes:kafka.strimzi.io/v1:Kafka': {
      const spec = inputs.spec as { kafka?: { listeners?: { name: string; port: number; type: string }[] } };
      const listeners = (spec.kafka?.listeners ?? []).map((listener) => ({
        name: listener.name,
        bootstrapServers:
          listener.type === 'internal'
            ? `${objectName}-kafka-bootstrap.${metadata.namespace}.svc:${listener.port}`
            : `${address}:${listener.port}`,
      }));
      return {
        id,
        state: {
          ...inputs,
          status: {
            conditions: [{ type: 'Ready', status: 'True' }],
            listeners,
            kafkaVersion: (inputs.spec as { kafka?: { version?: string } }).kafka?.version,
          },
        },
      };
    }
    case 'kubernetes:networking.k8s.io/v1:Ingress':
      return { id, state: { ...inputs, status: { loadBalancer: { ingress: [{ ip: address }] } } } };
    case 'pulumi-nodejs:dynamic/streamplane:GeneratedPassword':
      return {
        id: `password-${hash(args.name, 8)}`,
        state: { ...inputs, value: hash(`password/${args.name}`, 32) },
      };
    default:
      return { id, state: { ...inputs } };
  }
}

function hash(seed: string, length: number): string {
  return createHash('sha256').update(seed).digest('hex').slice(0, length);
}
