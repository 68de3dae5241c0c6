import type { DeploymentSpec } from '@streamplane/deployment-spec';

/**
 * Stack configuration for a deployment: the providers' region. Both engines set it (the pulumi engine as
 * stack config, the local engine as the mock run's config), so the program sees the same either way.
 */
export function stackConfigFor(spec: Pick<DeploymentSpec, 'cloud' | 'region'>): Record<string, string> {
  switch (spec.cloud) {
    case 'azure':
      return { 'azure-native:location': spec.region };
    case 'aws':
      return { 'aws:region': spec.region };
  }
}
