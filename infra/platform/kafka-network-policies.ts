import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { PROMETHEUS_POD_LABELS } from './monitoring';
import { NAMESPACES } from './names';

/**
 * Ingress rules for the Kafka namespace: deny by default, then allow only what must reach its pods.
 *
 * Strimzi generates the policies for the Kafka pods themselves from the listeners (client ports limited to
 * each listener's `networkPolicyPeers`; replication, controller and agent ports limited to Strimzi's own
 * components and the operator). NetworkPolicies add up, so the deny-all below removes nothing Strimzi allows;
 * it closes everything else in the namespace (entity operator, Kafka Exporter, Cruise Control's metrics, the
 * Streamplane agent), and the one rule after it lets Prometheus scrape metrics ports.
 *
 * Egress is not restricted: the agent must reach the control plane's public URL, which a NetworkPolicy can
 * only express as an IP range.
 */
export class KafkaNetworkPolicies extends pulumi.ComponentResource {
  constructor(
    name: string,
    args: { namespace: k8s.core.v1.Namespace },
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super('streamplane:platform:KafkaNetworkPolicies', name, {}, opts);

    new k8s.networking.v1.NetworkPolicy(
      `${name}-default-deny`,
      {
        metadata: { name: 'default-deny-ingress', namespace: args.namespace.metadata.name },
        spec: { podSelector: {}, policyTypes: ['Ingress'] },
      },
      { parent: this },
    );

    new k8s.networking.v1.NetworkPolicy(
      `${name}-allow-prometheus`,
      {
        metadata: { name: 'allow-prometheus-scrape', namespace: args.namespace.metadata.name },
        spec: {
          podSelector: {},
          policyTypes: ['Ingress'],
          ingress: [
            {
              from: [
                {
                  namespaceSelector: {
                    matchLabels: { 'kubernetes.io/metadata.name': NAMESPACES.monitoring },
                  },
                  podSelector: { matchLabels: PROMETHEUS_POD_LABELS },
                },
              ],
              // Strimzi's metrics port (Kafka, Kafka Exporter, Cruise Control) and the entity operator's
              // topic/user operator health-and-metrics ports.
              ports: [
                { protocol: 'TCP', port: 9404 },
                { protocol: 'TCP', port: 8080 },
                { protocol: 'TCP', port: 8081 },
              ],
            },
          ],
        },
      },
      { parent: this },
    );

    this.registerOutputs({});
  }
}
