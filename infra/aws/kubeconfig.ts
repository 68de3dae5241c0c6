export interface EksKubeconfigArgs {
  clusterName: string;
  endpoint: string;
  /** Base64 PEM of the cluster CA, as EKS reports it. */
  certificateAuthorityData: string;
  region: string;
}

/**
 * A kubeconfig that gets a short-lived token from `aws eks get-token` on every use, with whatever AWS
 * credentials the process has (the provisioner's assumed customer role): no long-lived secret inside.
 * JSON is valid YAML, and JSON.stringify cannot produce a malformed document.
 */
export function eksKubeconfig(args: EksKubeconfigArgs): string {
  const name = args.clusterName;
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name,
        cluster: { server: args.endpoint, 'certificate-authority-data': args.certificateAuthorityData },
      },
    ],
    contexts: [{ name, context: { cluster: name, user: name } }],
    'current-context': name,
    users: [
      {
        name,
        user: {
          exec: {
            apiVersion: 'client.authentication.k8s.io/v1beta1',
            command: 'aws',
            args: ['eks', 'get-token', '--cluster-name', name, '--region', args.region, '--output', 'json'],
            interactiveMode: 'Never',
          },
        },
      },
    ],
  });
}
