import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type { ClusterOutputs } from '../types';
import { GeneratedPassword } from './generated-password';
import { helmRelease } from './helm';
import { INGRESS_CONTROLLER_POD_LABELS } from './ingress';
import { DEFAULT_CONSUMER_LAG_THRESHOLD, kafkaAlertRules } from './kafka-alerts';
import { kafkaOverviewDashboard } from './kafka-dashboard';
import {
  GRAFANA_DASHBOARD_LABEL,
  GRAFANA_PATH,
  KAFKA_CLUSTER_NAME,
  NAMESPACES,
  PROMETHEUS_SELECTOR_LABEL,
  RELEASES,
} from './names';
import { KUBE_PROMETHEUS_STACK_CHART } from './versions';

export const PROMETHEUS_OPERATOR_API_VERSION = 'monitoring.coreos.com/v1';

/** In-cluster address of Prometheus (the agent reads broker metrics from it). */
export const PROMETHEUS_URL = `http://${RELEASES.monitoring}-prometheus.${NAMESPACES.monitoring}.svc:9090`;
/** Labels of the Prometheus pods the operator creates: the NetworkPolicies let them scrape. */
export const PROMETHEUS_POD_LABELS = { 'app.kubernetes.io/name': 'prometheus' } as const;

export interface MonitoringArgs {
  namespace: k8s.core.v1.Namespace;
  brokers: number;
  controllers: number;
  cluster: Pick<ClusterOutputs, 'kafkaStorage'>;
  ingressClassName: string;
  /** ingress-nginx must run before the Grafana Ingress can get an address. */
  ingressController: k8s.helm.v3.Release;
  consumerLagThreshold?: number;
}

/** Relabelling shared by the Strimzi PodMonitors: every `strimzi.io/*` pod label becomes `strimzi_io_*`. */
const STRIMZI_RELABELINGS = [
  { action: 'labelmap', regex: '__meta_kubernetes_pod_label_(strimzi_io_.+)', replacement: '$1' },
  { action: 'replace', sourceLabels: ['__meta_kubernetes_pod_node_name'], targetLabel: 'node' },
];

/**
 * kube-prometheus-stack (Prometheus, Alertmanager, Grafana, node exporter, kube-state-metrics) and what makes
 * it watch Kafka: PodMonitors for the brokers and controllers, Kafka Exporter, the entity operator, the Strimzi
 * operator and ingress-nginx; the Kafka alert rules; the Kafka overview dashboard; and Grafana behind
 * ingress-nginx over HTTPS at `/grafana/`.
 *
 * Grafana's admin password is generated once (see `GeneratedPassword`) and handed to the chart through an
 * existing Secret, so it never appears in the Helm values or release history.
 */
export class Monitoring extends pulumi.ComponentResource {
  public readonly release: k8s.helm.v3.Release;
  /** `https://<ingress address>/grafana/`. */
  public readonly grafanaUrl: pulumi.Output<string>;
  /** Grafana's `admin` password (secret). */
  public readonly grafanaAdminPassword: pulumi.Output<string>;

  constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super('streamplane:platform:Monitoring', name, {}, opts);
    const namespace = args.namespace.metadata.name;

    const password = new GeneratedPassword(
      `${name}-grafana-admin-password`,
      { length: 32 },
      { parent: this },
    );
    this.grafanaAdminPassword = pulumi.secret(password.value);
    const adminSecret = new k8s.core.v1.Secret(
      `${name}-grafana-admin`,
      {
        metadata: { name: 'grafana-admin', namespace },
        type: 'Opaque',
        stringData: { 'admin-user': 'admin', 'admin-password': this.grafanaAdminPassword },
      },
      { parent: this },
    );

    // Prometheus' volume: same encrypted disk type as Kafka's, but deleted with the claim (metrics are
    // rebuildable; Kafka data is not).
    const storageClass = new k8s.storage.v1.StorageClass(
      `${name}-storage`,
      {
        metadata: { name: 'streamplane-monitoring' },
        provisioner: args.cluster.kafkaStorage.provisioner,
        parameters: args.cluster.kafkaStorage.parameters,
        reclaimPolicy: 'Delete',
        volumeBindingMode: 'WaitForFirstConsumer',
        allowVolumeExpansion: true,
      },
      { parent: this },
    );

    this.release = helmRelease(
      `${name}-release`,
      {
        chart: KUBE_PROMETHEUS_STACK_CHART,
        releaseName: RELEASES.monitoring,
        namespace,
        timeoutSeconds: 1200,
        values: {
          grafana: {
            admin: {
              existingSecret: adminSecret.metadata.name,
              userKey: 'admin-user',
              passwordKey: 'admin-password',
            },
            'grafana.ini': {
              server: {
                root_url: `%(protocol)s://%(domain)s:%(http_port)s${GRAFANA_PATH}/`,
                serve_from_sub_path: true,
              },
              security: { cookie_secure: true, disable_gravatar: true },
              users: { allow_sign_up: false },
              'auth.anonymous': { enabled: false },
              analytics: { reporting_enabled: false, check_for_updates: false },
            },
            // Dashboards come from labelled ConfigMaps (ours below, and the chart's Kubernetes dashboards).
            sidecar: {
              dashboards: {
                enabled: true,
                label: GRAFANA_DASHBOARD_LABEL.key,
                labelValue: GRAFANA_DASHBOARD_LABEL.value,
                searchNamespace: 'ALL',
              },
            },
            ingress: { enabled: false },
          },
          prometheus: {
            prometheusSpec: {
              retention: '15d',
              retentionSize: '45GB',
              storageSpec: {
                volumeClaimTemplate: {
                  spec: {
                    storageClassName: storageClass.metadata.name,
                    accessModes: ['ReadWriteOnce'],
                    resources: { requests: { storage: '50Gi' } },
                  },
                },
              },
              resources: { requests: { cpu: '250m', memory: '1Gi' }, limits: { memory: '3Gi' } },
            },
          },
        },
      },
      { parent: this, dependsOn: [adminSecret] },
    );
    const afterRelease = { parent: this, dependsOn: [this.release] };

    const podMonitor = (
      podMonitorName: string,
      targetNamespace: string,
      matchLabels: Record<string, string>,
      endpoints: Record<string, unknown>[],
    ) =>
      new k8s.apiextensions.CustomResource(
        `${name}-podmonitor-${podMonitorName}`,
        {
          apiVersion: PROMETHEUS_OPERATOR_API_VERSION,
          kind: 'PodMonitor',
          metadata: { name: podMonitorName, namespace, labels: PROMETHEUS_SELECTOR_LABEL },
          spec: {
            namespaceSelector: { matchNames: [targetNamespace] },
            selector: { matchLabels },
            podMetricsEndpoints: endpoints,
          },
        },
        afterRelease,
      );
    const strimzi = (component: string) => ({
      'strimzi.io/cluster': KAFKA_CLUSTER_NAME,
      'strimzi.io/name': `${KAFKA_CLUSTER_NAME}-${component}`,
    });
    const scrape = (port: string) => ({
      port,
      path: '/metrics',
      interval: '30s',
      relabelings: STRIMZI_RELABELINGS,
    });

    // Brokers and controllers (both node pools share strimzi.io/name=<cluster>-kafka).
    podMonitor('kafka-nodes', NAMESPACES.kafka, strimzi('kafka'), [scrape('tcp-prometheus')]);
    podMonitor('kafka-exporter', NAMESPACES.kafka, strimzi('kafka-exporter'), [scrape('tcp-prometheus')]);
    podMonitor('strimzi-entity-operator', NAMESPACES.kafka, strimzi('entity-operator'), [
      scrape('healthcheck-to'),
      scrape('healthcheck-uo'),
    ]);
    podMonitor('strimzi-cluster-operator', NAMESPACES.strimzi, { 'strimzi.io/kind': 'cluster-operator' }, [
      { port: 'http', path: '/metrics', interval: '30s' },
    ]);
    podMonitor('ingress-nginx', NAMESPACES.ingress, INGRESS_CONTROLLER_POD_LABELS, [
      { port: 'metrics', path: '/metrics', interval: '30s' },
    ]);

    new k8s.apiextensions.CustomResource(
      `${name}-kafka-alerts`,
      {
        apiVersion: PROMETHEUS_OPERATOR_API_VERSION,
        kind: 'PrometheusRule',
        metadata: { name: 'kafka-alerts', namespace, labels: PROMETHEUS_SELECTOR_LABEL },
        spec: kafkaAlertRules({
          brokers: args.brokers,
          controllers: args.controllers,
          consumerLagThreshold: args.consumerLagThreshold ?? DEFAULT_CONSUMER_LAG_THRESHOLD,
        }),
      },
      afterRelease,
    );

    new k8s.core.v1.ConfigMap(
      `${name}-kafka-dashboard`,
      {
        metadata: {
          name: 'kafka-overview-dashboard',
          namespace,
          labels: { [GRAFANA_DASHBOARD_LABEL.key]: GRAFANA_DASHBOARD_LABEL.value },
        },
        data: {
          'kafka-overview.json': JSON.stringify(
            kafkaOverviewDashboard({ brokers: args.brokers, controllers: args.controllers }),
          ),
        },
      },
      { parent: this },
    );

    // HTTPS only: ingress-nginx publishes no plain-HTTP port at all (see IngressController). The `tls` entry
    // without hosts covers the load balancer's address with the controller's certificate.
    const grafanaIngress = new k8s.networking.v1.Ingress(
      `${name}-grafana`,
      {
        metadata: {
          name: 'grafana',
          namespace,
          annotations: { 'nginx.ingress.kubernetes.io/force-ssl-redirect': 'true' },
        },
        spec: {
          ingressClassName: args.ingressClassName,
          tls: [{}],
          rules: [
            {
              http: {
                paths: [
                  {
                    path: GRAFANA_PATH,
                    pathType: 'Prefix',
                    backend: { service: { name: `${RELEASES.monitoring}-grafana`, port: { number: 80 } } },
                  },
                ],
              },
            },
          ],
        },
      },
      { parent: this, dependsOn: [this.release, args.ingressController] },
    );
    // Pulumi waits for an Ingress to be given an address, so the status is set once the Ingress is created.
    this.grafanaUrl = grafanaIngress.status.apply((status) => {
      const address = status?.loadBalancer?.ingress?.[0];
      return `https://${address?.hostname ?? address?.ip ?? 'pending'}${GRAFANA_PATH}/`;
    });

    this.registerOutputs({ release: this.release.status, grafanaUrl: this.grafanaUrl });
  }
}
