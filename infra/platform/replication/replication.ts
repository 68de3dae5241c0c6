import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type { DeploymentSpec } from '@streamplane/deployment-spec';
import type { ReplicationWorkload } from '../../types';
import { STRIMZI_API_VERSION } from '../kafka-cluster';
import { PROMETHEUS_OPERATOR_API_VERSION } from '../monitoring';
import { KAFKA_CLUSTER_NAME, NAMESPACES, PROMETHEUS_SELECTOR_LABEL } from '../names';
import { MIRROR_MAKER_METRICS_KEY, mirrorMaker2Manifest, mirrorMakerMetricsConfig } from './mirror-maker';
import { mirrorUserAcls, sourceUserAcls } from './replication-acls';
import { replicationAlertRules } from './replication-alerts';
import {
  CA_CERT_KEY,
  PASSWORD_KEY,
  linkLabels,
  mirrorNames,
  sourceUserPasswordSecret,
} from './replication-names';

export interface KafkaReplicationArgs {
  workload: ReplicationWorkload;
  spec: Pick<DeploymentSpec, 'kafkaVersion' | 'clientAuthentication'>;
  /** The Kafka namespace: Strimzi's operator watches only it, so users and MirrorMaker 2 live there. */
  namespace: pulumi.Input<string>;
  /** The Kafka resource: users and MirrorMaker 2 follow it. */
  kafka: pulumi.Resource;
  /** kube-prometheus-stack's release: it installs the PodMonitor and PrometheusRule CRDs. */
  monitoring: pulumi.Resource;
}

/**
 * A deployment's part of its replication links (ProgramInput.replication): for each link it is the source
 * of, a SCRAM-SHA-512 KafkaUser with read-only mirroring ACLs and the password Streamplane generated; for each
 * link it receives, a KafkaMirrorMaker2 pulling from the source's external listener, its local user (ACLs on
 * the remote and MirrorMaker 2's own topics only), the source's CA and password Secrets, and its metrics,
 * PodMonitor and alert rules. Removing a link removes all of it; the mirrored topics themselves stay (the
 * topic operator does not manage them).
 */
export class KafkaReplication extends pulumi.ComponentResource {
  constructor(name: string, args: KafkaReplicationArgs, opts?: pulumi.ComponentResourceOptions) {
    super('streamplane:platform:KafkaReplication', name, {}, opts);
    const { workload, spec, namespace } = args;
    if (workload.sourceUsers.length > 0 && spec.clientAuthentication !== 'scram-sha-512') {
      // Mirroring users log in with SCRAM over the external listener; an mTLS-only listener cannot take them.
      throw new Error('Replication sources need SCRAM-SHA-512 client authentication');
    }
    const afterKafka = { parent: this, dependsOn: [args.kafka] };
    const userLabels = (linkId: string) => ({
      ...linkLabels(linkId),
      'strimzi.io/cluster': KAFKA_CLUSTER_NAME,
    });

    for (const user of workload.sourceUsers) {
      const passwordSecret = new k8s.core.v1.Secret(
        `${name}-${user.userName}-password`,
        {
          metadata: {
            name: sourceUserPasswordSecret(user.userName),
            namespace,
            labels: linkLabels(user.linkId),
          },
          type: 'Opaque',
          stringData: { [PASSWORD_KEY]: pulumi.secret(user.password) },
        },
        { parent: this },
      );
      new k8s.apiextensions.CustomResource(
        `${name}-${user.userName}`,
        {
          apiVersion: STRIMZI_API_VERSION,
          kind: 'KafkaUser',
          metadata: { name: user.userName, namespace, labels: userLabels(user.linkId) },
          spec: {
            authentication: {
              type: 'scram-sha-512',
              password: {
                valueFrom: {
                  secretKeyRef: { name: sourceUserPasswordSecret(user.userName), key: PASSWORD_KEY },
                },
              },
            },
            authorization: { type: 'simple', acls: sourceUserAcls(user) },
          },
        },
        { parent: this, dependsOn: [args.kafka, passwordSecret] },
      );
    }

    for (const mirror of workload.mirrors) {
      const names = mirrorNames(mirror);
      const labels = linkLabels(mirror.linkId);
      const caSecret = new k8s.core.v1.Secret(
        `${name}-${names.sourceCaSecret}`,
        {
          metadata: { name: names.sourceCaSecret, namespace, labels },
          type: 'Opaque',
          stringData: { [CA_CERT_KEY]: mirror.source.caCertificate },
        },
        { parent: this },
      );
      const passwordSecret = new k8s.core.v1.Secret(
        `${name}-${names.sourcePasswordSecret}`,
        {
          metadata: { name: names.sourcePasswordSecret, namespace, labels },
          type: 'Opaque',
          stringData: { [PASSWORD_KEY]: pulumi.secret(mirror.source.password) },
        },
        { parent: this },
      );
      const targetUser = new k8s.apiextensions.CustomResource(
        `${name}-${names.targetUser}-user`,
        {
          apiVersion: STRIMZI_API_VERSION,
          kind: 'KafkaUser',
          metadata: {
            name: names.targetUser,
            namespace,
            labels: userLabels(mirror.linkId),
            // Ready once the User Operator has written the credentials MirrorMaker 2 mounts.
            annotations: { 'pulumi.com/waitFor': 'condition=Ready' },
          },
          spec: {
            authentication: { type: spec.clientAuthentication === 'mtls' ? 'tls' : 'scram-sha-512' },
            authorization: { type: 'simple', acls: mirrorUserAcls(mirror) },
          },
        },
        afterKafka,
      );
      const metrics = new k8s.core.v1.ConfigMap(
        `${name}-${names.metricsConfigMap}`,
        {
          metadata: { name: names.metricsConfigMap, namespace, labels },
          data: { [MIRROR_MAKER_METRICS_KEY]: mirrorMakerMetricsConfig() },
        },
        { parent: this },
      );
      const manifest = mirrorMaker2Manifest(mirror, { spec, namespace: NAMESPACES.kafka });
      new k8s.apiextensions.CustomResource(
        `${name}-${mirror.name}`,
        {
          ...(manifest as { apiVersion: string; kind: string }),
          metadata: { ...(manifest.metadata as object), namespace },
        },
        { parent: this, dependsOn: [args.kafka, targetUser, caSecret, passwordSecret, metrics] },
      );
      const afterMonitoring = { parent: this, dependsOn: [args.monitoring] };
      new k8s.apiextensions.CustomResource(
        `${name}-${names.podMonitor}-podmonitor`,
        {
          apiVersion: PROMETHEUS_OPERATOR_API_VERSION,
          kind: 'PodMonitor',
          metadata: {
            name: names.podMonitor,
            namespace: NAMESPACES.monitoring,
            labels: { ...PROMETHEUS_SELECTOR_LABEL, ...labels },
          },
          spec: {
            namespaceSelector: { matchNames: [NAMESPACES.kafka] },
            selector: {
              matchLabels: { 'strimzi.io/cluster': mirror.name, 'strimzi.io/kind': 'KafkaMirrorMaker2' },
            },
            podMetricsEndpoints: [{ port: 'tcp-prometheus', path: '/metrics', interval: '30s' }],
          },
        },
        afterMonitoring,
      );
      new k8s.apiextensions.CustomResource(
        `${name}-${names.alertRule}`,
        {
          apiVersion: PROMETHEUS_OPERATOR_API_VERSION,
          kind: 'PrometheusRule',
          metadata: {
            name: names.alertRule,
            namespace: NAMESPACES.monitoring,
            labels: { ...PROMETHEUS_SELECTOR_LABEL, ...labels },
          },
          spec: replicationAlertRules(mirror),
        },
        afterMonitoring,
      );
    }
    this.registerOutputs({});
  }
}
