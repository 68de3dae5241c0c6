import * as k8s from '@pulumi/kubernetes';
import type * as pulumi from '@pulumi/pulumi';
import type { PipelineStageWorkload } from '../../types';
import { INGRESS_CONTROLLER_POD_LABELS } from '../ingress';
import { KAFKA_CLUSTER_NAME, LISTENERS, NAMESPACES } from '../names';
import { externalEgressPorts, receivesHttp } from './stage-egress';
import { STAGE_HTTP_PORT } from './stage-runner-contract';

/**
 * What a stage's pods may reach: the brokers' internal TLS listener and the cluster DNS, plus — for sources and
 * sinks that leave the cluster — the TCP ports of their kind (`stage-egress.ts`). Nothing else: no other pod of
 * the cluster, no Kubernetes API, no cloud metadata endpoint on port 80. The Kafka namespace already denies
 * ingress by default; an HTTP source additionally admits ingress-nginx on its HTTP port.
 */
export function stageNetworkPolicy(
  name: string,
  args: {
    objectName: string;
    namespace: pulumi.Input<string>;
    labels: Record<string, string>;
    podSelector: Record<string, string>;
    stage: PipelineStageWorkload;
  },
  opts: pulumi.CustomResourceOptions,
): k8s.networking.v1.NetworkPolicy {
  const externalPorts = externalEgressPorts(args.stage);
  const egress: k8s.types.input.networking.v1.NetworkPolicyEgressRule[] = [
    {
      to: [{ podSelector: { matchLabels: BROKER_POD_LABELS } }],
      ports: [{ protocol: 'TCP', port: LISTENERS.internal.port }],
    },
    {
      to: [
        {
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
          podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
        },
      ],
      ports: [
        { protocol: 'UDP', port: 53 },
        { protocol: 'TCP', port: 53 },
      ],
    },
    // Any address: the customer's broker, database or bucket may be public or inside their own network.
    ...(externalPorts.length > 0
      ? [{ ports: externalPorts.map((port) => ({ protocol: 'TCP', port })) }]
      : []),
  ];
  const ingress: k8s.types.input.networking.v1.NetworkPolicyIngressRule[] = receivesHttp(args.stage)
    ? [
        {
          from: [
            {
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': NAMESPACES.ingress } },
              podSelector: { matchLabels: INGRESS_CONTROLLER_POD_LABELS },
            },
          ],
          ports: [{ protocol: 'TCP', port: STAGE_HTTP_PORT }],
        },
      ]
    : [];
  return new k8s.networking.v1.NetworkPolicy(
    name,
    {
      metadata: { name: args.objectName, namespace: args.namespace, labels: args.labels },
      spec: {
        podSelector: { matchLabels: args.podSelector },
        policyTypes: ['Ingress', 'Egress'],
        ingress,
        egress,
      },
    },
    opts,
  );
}

/** Strimzi's labels of the cluster's broker pods (node pools with the broker role). */
export const BROKER_POD_LABELS = {
  'strimzi.io/cluster': KAFKA_CLUSTER_NAME,
  'strimzi.io/broker-role': 'true',
} as const;
