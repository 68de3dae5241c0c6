/**
 * Every Helm chart the platform installs, pinned to one exact version, and the repository it comes from.
 * One file so an upgrade is one reviewed diff; nothing else in `infra/platform` names a chart version.
 */
export interface HelmChartRef {
  chart: string;
  version: string;
  repo: string;
}

/**
 * Strimzi 1.2 serves only `kafka.strimzi.io/v1`, which is what `kafka-cluster.ts` generates and what the CRD
 * schemas in `../shared/schemas/strimzi/` describe. A 1.3 operator may change them: upgrade both together.
 */
export const STRIMZI_OPERATOR_CHART: HelmChartRef = {
  chart: 'strimzi-kafka-operator',
  version: '1.2.0',
  repo: 'https://strimzi.io/charts/',
};

/** Turns node drains into rolling restarts by the Strimzi operator (which keeps partitions in sync). */
export const STRIMZI_DRAIN_CLEANER_CHART: HelmChartRef = {
  chart: 'strimzi-drain-cleaner',
  version: '1.6.0',
  repo: 'https://strimzi.io/charts/',
};

/** Issues the Drain Cleaner's admission-webhook certificate (its chart expects cert-manager). */
export const CERT_MANAGER_CHART: HelmChartRef = {
  chart: 'cert-manager',
  version: 'v1.21.1',
  repo: 'https://charts.jetstack.io',
};

/**
 * The last release of the community ingress-nginx controller: the project was retired in March 2026 and gets
 * no further security fixes. Kept because the issue asks for it; replacing it (a Gateway API implementation)
 * is tracked as a follow-up.
 */
export const INGRESS_NGINX_CHART: HelmChartRef = {
  chart: 'ingress-nginx',
  version: '4.15.1',
  repo: 'https://kubernetes.github.io/ingress-nginx',
};

/**
 * Ships prometheus-operator 0.93.x, whose PodMonitor/PrometheusRule CRDs are the schemas in
 * `../shared/schemas/prometheus-operator/` the tests validate against.
 */
export const KUBE_PROMETHEUS_STACK_CHART: HelmChartRef = {
  chart: 'kube-prometheus-stack',
  version: '88.5.3',
  repo: 'https://prometheus-community.github.io/helm-charts',
};

/**
 * KEDA: lag-based autoscaling of the pipelines' stage runners (ScaledObject, TriggerAuthentication). 2.20.2 is
 * the release whose CRD schemas are in `../shared/schemas/keda/`; upgrade both together.
 */
export const KEDA_CHART: HelmChartRef = {
  chart: 'keda',
  version: '2.20.2',
  repo: 'https://kedacore.github.io/charts',
};

export const HELM_CHARTS = [
  STRIMZI_OPERATOR_CHART,
  STRIMZI_DRAIN_CLEANER_CHART,
  CERT_MANAGER_CHART,
  INGRESS_NGINX_CHART,
  KUBE_PROMETHEUS_STACK_CHART,
  KEDA_CHART,
] as const;
