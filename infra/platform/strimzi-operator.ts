import type * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { helmRelease } from './helm';
import { RELEASES } from './names';
import { STRIMZI_DRAIN_CLEANER_CHART, STRIMZI_OPERATOR_CHART } from './versions';

export interface StrimziOperatorArgs {
  namespace: k8s.core.v1.Namespace;
  drainCleanerNamespace: k8s.core.v1.Namespace;
  /** The namespace whose Kafka resources the operator manages (and only that one). */
  watchNamespace: k8s.core.v1.Namespace;
  /** cert-manager's release: the Drain Cleaner's chart creates an Issuer and a Certificate. */
  certManager: k8s.helm.v3.Release;
}

/**
 * The Strimzi cluster operator (Helm, pinned to 1.2) and the Strimzi Drain Cleaner.
 *
 * - The operator watches only the Kafka namespace: its RoleBindings exist there and nowhere else.
 * - Its operands (Kafka, Cruise Control, entity operator, Kafka Exporter) get the `restricted` pod security
 *   profile, so the Kafka namespace can enforce the restricted Pod Security Standard.
 * - Strimzi generates a NetworkPolicy per listener (from the listeners' `networkPolicyPeers`) and the
 *   PodDisruptionBudgets of its components.
 * - The Drain Cleaner intercepts evictions of Kafka pods during node drains (upgrades, scale-in) and has the
 *   operator roll them one at a time, only when no partition would fall below `min.insync.replicas`.
 */
export class StrimziOperator extends pulumi.ComponentResource {
  public readonly release: k8s.helm.v3.Release;
  public readonly drainCleaner: k8s.helm.v3.Release;

  constructor(name: string, args: StrimziOperatorArgs, opts?: pulumi.ComponentResourceOptions) {
    super('streamplane:platform:StrimziOperator', name, {}, opts);

    this.release = helmRelease(
      `${name}-operator`,
      {
        chart: STRIMZI_OPERATOR_CHART,
        releaseName: RELEASES.strimzi,
        namespace: args.namespace.metadata.name,
        values: {
          watchNamespaces: [args.watchNamespace.metadata.name],
          watchAnyNamespace: false,
          // Two replicas with leader election: a drained node does not stop reconciliation for long.
          replicas: 2,
          leaderElection: { enable: true },
          podDisruptionBudget: { enabled: true, minAvailable: 1 },
          generateNetworkPolicy: true,
          // Lets only this namespace's operator through Strimzi's NetworkPolicies (replication, control-plane
          // and agent ports); without it they admit any pod labelled as a cluster operator in any namespace.
          image: {
            operatorNamespaceLabels: pulumi.interpolate`kubernetes.io/metadata.name=${args.namespace.metadata.name}`,
          },
          generatePodDisruptionBudget: true,
          extraEnvs: [{ name: 'STRIMZI_POD_SECURITY_PROVIDER_CLASS', value: 'restricted' }],
          resources: { requests: { cpu: '200m', memory: '384Mi' }, limits: { memory: '512Mi' } },
        },
      },
      // The chart creates the operator's RoleBindings in the watched namespace.
      { parent: this, dependsOn: [args.watchNamespace] },
    );

    this.drainCleaner = helmRelease(
      `${name}-drain-cleaner`,
      {
        chart: STRIMZI_DRAIN_CLEANER_CHART,
        releaseName: RELEASES.drainCleaner,
        namespace: args.drainCleanerNamespace.metadata.name,
        values: {
          namespace: { create: false, name: args.drainCleanerNamespace.metadata.name },
          certManager: { create: true },
          replicaCount: 2,
          podDisruptionBudget: { create: true, minAvailable: 1 },
          // Only Kafka pods of the watched namespace; any other eviction is none of its business.
          webhook: {
            namespaceSelector: {
              matchLabels: { 'kubernetes.io/metadata.name': args.watchNamespace.metadata.name },
            },
          },
          resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '256Mi' } },
          podSecurityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
          securityContext: {
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ['ALL'] },
          },
        },
      },
      { parent: this, dependsOn: [args.certManager, this.release] },
    );

    this.registerOutputs({ release: this.release.status, drainCleaner: this.drainCleaner.status });
  }
}
