import type * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { helmRelease } from './helm';
import { RELEASES } from './names';
import { KEDA_CHART } from './versions';

export interface KedaArgs {
  namespace: k8s.core.v1.Namespace;
  /** The only namespace whose ScaledObjects it acts on (the Kafka namespace, where stage runners run). */
  watchNamespace: k8s.core.v1.Namespace;
}

/**
 * KEDA (Helm, pinned): scales each consuming pipeline stage on its consumer group's lag. Installed with the
 * platform whether or not pipelines exist yet, so it is there before the first ScaledObject and is never
 * removed in the same run as the last one (its operator must stay to clear their finalizers).
 *
 * Its operator reads lag through the brokers' internal listener, which admits its namespace as a Kafka
 * client; it logs in as each stage's own KafkaUser (TriggerAuthentication), so it can describe exactly what
 * that stage may read.
 */
export class Keda extends pulumi.ComponentResource {
  public readonly release: k8s.helm.v3.Release;

  constructor(name: string, args: KedaArgs, opts?: pulumi.ComponentResourceOptions) {
    super('streamplane:platform:Keda', name, {}, opts);
    this.release = helmRelease(
      `${name}-release`,
      {
        chart: KEDA_CHART,
        releaseName: RELEASES.keda,
        namespace: args.namespace.metadata.name,
        values: {
          watchNamespace: args.watchNamespace.metadata.name,
          resources: {
            operator: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } },
            metricServer: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } },
            webhooks: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } },
          },
        },
      },
      { parent: this },
    );
    this.registerOutputs({});
  }
}
