// A copy of ../shared/schemas/strimzi/supported-kafka-versions.json (production has no ../shared);
// kafka-versions.spec.ts fails when the two differ.
import strimziKafkaVersions from './supported-kafka-versions.json';

/** The Strimzi release whose Kafka versions these are (the operator the infra program installs). */
export const STRIMZI_VERSION: string = strimziKafkaVersions.strimziVersion;

/** Kafka versions the installed Strimzi operator can run, oldest first. */
export function supportedKafkaVersions(): readonly string[] {
  return [...strimziKafkaVersions.supported].sort(compareKafkaVersions);
}

/** Strimzi's default Kafka version: what a new deployment starts with. */
export function defaultKafkaVersion(): string {
  return strimziKafkaVersions.default;
}

/** The KRaft `metadataVersion` Strimzi pairs with a Kafka version (for `spec.kafka.metadataVersion`). */
export function kafkaMetadataVersion(version: string): string | undefined {
  const metadataVersions: Record<string, string | undefined> = strimziKafkaVersions.metadataVersions;
  return metadataVersions[version];
}

export interface KafkaVersion {
  major: number;
  minor: number;
  patch: number;
}

/** Parses `major.minor.patch`; undefined for anything else. */
export function parseKafkaVersion(version: string): KafkaVersion | undefined {
  const match = /^(\d+)\.(\d+)\.(\d+)$/.exec(version);
  if (!match) return undefined;
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3]) };
}

/** Orders `major.minor.patch` versions numerically (so 4.10.0 comes after 4.9.0); sorts unparsable ones last. */
export function compareKafkaVersions(a: string, b: string): number {
  const left = parseKafkaVersion(a);
  const right = parseKafkaVersion(b);
  if (!left || !right) return Number(!left) - Number(!right) || a.localeCompare(b);
  return left.major - right.major || left.minor - right.minor || left.patch - right.patch;
}
