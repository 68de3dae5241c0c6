import {
  catalogFor,
  defaultKafkaVersion,
  defaultSpec,
  DeploymentSpecError,
  parseDeploymentSpec,
  SPEC_LIMITS,
  supportedKafkaVersions,
  type Cloud,
  type NodeSize,
  type Region,
} from '@streamplane/deployment-spec';
import type { CloudProvider } from '../generated/graphql';

/**
 * The deployment catalog (regions and their zones, node sizes, Kafka versions, limits). The api has no
 * catalog query yet, so the dashboard reads the same data the api validates against — the pure
 * `@streamplane/deployment-spec` library, built into this bundle. This file is the only place that
 * knows; a catalog query would replace it without touching the pages.
 */
export { SPEC_LIMITS };
export type { NodeSize, Region };

export function cloudOf(provider: CloudProvider): Cloud {
  return provider === 'AWS' ? 'aws' : 'azure';
}

export function regionsOf(provider: CloudProvider): readonly Region[] {
  return catalogFor(cloudOf(provider)).regions;
}

export function findRegion(provider: CloudProvider, name: string): Region | undefined {
  return regionsOf(provider).find((region) => region.name === name);
}

/** Node sizes a broker may run on (the catalog also lists smaller sizes for controllers). */
export function brokerNodeSizes(provider: CloudProvider): readonly NodeSize[] {
  return catalogFor(cloudOf(provider)).nodeSizes.filter(
    (size) =>
      size.vcpu >= SPEC_LIMITS.brokerNode.minVcpu && size.memoryGiB >= SPEC_LIMITS.brokerNode.minMemoryGiB,
  );
}

export function kafkaVersions(): readonly string[] {
  return supportedKafkaVersions();
}

export function defaultKafka(): string {
  return defaultKafkaVersion();
}

export function defaultsFor(provider: CloudProvider) {
  return defaultSpec(cloudOf(provider));
}

export function priceReferenceOf(provider: CloudProvider) {
  return catalogFor(cloudOf(provider)).priceReference;
}

export function cloudDisplayName(provider: CloudProvider): string {
  return catalogFor(cloudOf(provider)).displayName;
}

/** A spec's problems by field path, from the same rules the api applies; empty when it is valid. */
export function specProblems(spec: unknown): { field: string; message: string; code: string }[] {
  try {
    parseDeploymentSpec(spec);
    return [];
  } catch (error) {
    if (error instanceof DeploymentSpecError) return error.problems.map((problem) => ({ ...problem }));
    throw error;
  }
}
