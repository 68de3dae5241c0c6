import { compareKafkaVersions, parseKafkaVersion, supportedKafkaVersions } from './catalog/kafka-versions';
import type { DeploymentSpec } from './deployment-spec';
import {
  DeploymentSpecError,
  DeploymentSpecErrorCode as Code,
  type SpecProblem,
} from './deployment-spec.errors';

type FixedField = 'name' | 'cloud' | 'region' | 'controllers' | 'clientAuthentication';

// Fields fixed at creation, and why: changing any of them means a different cluster, not an update.
const FIXED: Record<FixedField, { code: Code; why: string }> = {
  name: { code: Code.NAME_CHANGED, why: 'the name is part of every cloud resource name' },
  cloud: { code: Code.CLOUD_CHANGED, why: 'a deployment cannot move to another cloud' },
  region: { code: Code.REGION_CHANGED, why: 'a deployment cannot move to another region' },
  controllers: { code: Code.CONTROLLERS_CHANGED, why: 'resizing a KRaft quorum is disruptive' },
  clientAuthentication: {
    code: Code.CLIENT_AUTHENTICATION_CHANGED,
    why: 'every client would lose its credentials at once',
  },
};

/**
 * What a live deployment cannot take from `current` to `next` (both already valid specs). Everything else
 * (brokers, node size, storage growth, listeners, tags, one-step upgrades) is an ordinary update.
 */
export function specChangeProblems(current: DeploymentSpec, next: DeploymentSpec): SpecProblem[] {
  const problems: SpecProblem[] = [];
  for (const field of Object.keys(FIXED) as FixedField[]) {
    if (current[field] !== next[field]) {
      const { code, why } = FIXED[field];
      problems.push({
        field,
        code,
        message: `cannot change from ${current[field]} to ${next[field]}: ${why}`,
      });
    }
  }
  // Compared in order: per-zone resources (node pools, subnets) may be keyed by position, so a reorder moves them.
  if (current.zones.join(',') !== next.zones.join(',')) {
    problems.push({
      field: 'zones',
      code: Code.ZONES_CHANGED,
      message: `cannot change from ${current.zones.join(', ')}: brokers and their volumes live in these zones`,
    });
  }
  if (next.storagePerBrokerGiB < current.storagePerBrokerGiB) {
    problems.push({
      field: 'storagePerBrokerGiB',
      code: Code.STORAGE_DECREASED,
      message: `cannot shrink from ${current.storagePerBrokerGiB} GiB: persistent volumes only grow`,
    });
  }
  const versionProblem = kafkaVersionChangeProblem(current.kafkaVersion, next.kafkaVersion);
  if (versionProblem) problems.push(versionProblem);
  return problems;
}

/** Throws one `DeploymentSpecError` (CONFLICT, reason SPEC_CHANGE_NOT_ALLOWED) listing every refused change. */
export function validateSpecChange(current: DeploymentSpec, next: DeploymentSpec): void {
  const problems = specChangeProblems(current, next);
  if (problems.length > 0) {
    throw DeploymentSpecError.of(
      Code.SPEC_CHANGE_NOT_ALLOWED,
      'This change cannot be applied to a live deployment',
      problems,
    );
  }
}

function kafkaVersionChangeProblem(current: string, next: string): SpecProblem | undefined {
  const field = 'kafkaVersion';
  if (compareKafkaVersions(next, current) < 0) {
    return { field, code: Code.KAFKA_DOWNGRADE, message: `cannot go back from ${current} to ${next}` };
  }
  // Kafka upgrades one minor release line at a time. The lines are those Strimzi supports, plus the two
  // ends, so an upgrade from a line Strimzi has since dropped may still step to the oldest supported one.
  const lines = [...new Set([...supportedKafkaVersions(), current, next].map(releaseLine))].sort((a, b) =>
    compareKafkaVersions(`${a}.0`, `${b}.0`),
  );
  const steps = lines.indexOf(releaseLine(next)) - lines.indexOf(releaseLine(current));
  if (steps > 1) {
    const skipped = lines.slice(lines.indexOf(releaseLine(current)) + 1, lines.indexOf(releaseLine(next)));
    return {
      field,
      code: Code.KAFKA_VERSION_SKIPPED,
      message: `cannot upgrade from ${current} to ${next} in one step: upgrade to ${skipped.join(', then ')} first`,
    };
  }
  return undefined;
}

/** `4.3.1` → `4.3`. */
function releaseLine(version: string): string {
  const parsed = parseKafkaVersion(version);
  return parsed ? `${parsed.major}.${parsed.minor}` : version;
}
