import type * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { helmRelease } from './helm';
import { RELEASES } from './names';
import { CERT_MANAGER_CHART } from './versions';

/**
 * cert-manager, installed for the certificates of in-cluster admission webhooks (the Strimzi Drain Cleaner's
 * chart asks it for a self-signed serving certificate and has the CA injected into its webhook configuration).
 * Its CRDs are installed and kept by the chart (`crds.keep`), so uninstalling the release never deletes
 * certificates other components rely on.
 */
export class CertManager extends pulumi.ComponentResource {
  public readonly release: k8s.helm.v3.Release;

  constructor(
    name: string,
    args: { namespace: k8s.core.v1.Namespace },
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super('streamplane:platform:CertManager', name, {}, opts);
    this.release = helmRelease(
      `${name}-release`,
      {
        chart: CERT_MANAGER_CHART,
        releaseName: RELEASES.certManager,
        namespace: args.namespace.metadata.name,
        values: {
          crds: { enabled: true, keep: true },
          replicaCount: 2,
          podDisruptionBudget: { enabled: true, minAvailable: 1 },
          webhook: { replicaCount: 2, podDisruptionBudget: { enabled: true, minAvailable: 1 } },
          cainjector: { replicaCount: 2, podDisruptionBudget: { enabled: true, minAvailable: 1 } },
        },
      },
      { parent: this },
    );
    this.registerOutputs({ release: this.release.status });
  }
}
