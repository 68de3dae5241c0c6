import * as k8s from '@pulumi/kubernetes';
import type * as pulumi from '@pulumi/pulumi';
import type { HelmChartRef } from './versions';

/**
 * A Helm release of a pinned chart with the settings every release of the platform shares: a fixed release
 * name (object names derive from it), the chart's version from `versions.ts`, and an install that either
 * completes with every resource ready or is rolled back — never left half applied.
 */
export function helmRelease(
  name: string,
  args: {
    chart: HelmChartRef;
    releaseName: string;
    namespace: pulumi.Input<string>;
    values: Record<string, unknown>;
    /** Seconds to wait for the release's resources to become ready. */
    timeoutSeconds?: number;
  },
  opts: pulumi.CustomResourceOptions,
): k8s.helm.v3.Release {
  return new k8s.helm.v3.Release(
    name,
    {
      name: args.releaseName,
      chart: args.chart.chart,
      version: args.chart.version,
      repositoryOpts: { repo: args.chart.repo },
      namespace: args.namespace,
      values: args.values,
      atomic: true,
      cleanupOnFail: true,
      // Namespaces are created (and labelled for pod security) by the platform, never by a chart.
      createNamespace: false,
      maxHistory: 10,
      timeout: args.timeoutSeconds ?? 900,
    },
    opts,
  );
}
