/**
 * The create-link form's rules, as the api applies them (libs/replication: replication-patterns.ts,
 * replication-inputs.ts, replication-links.service.ts): patterns are names, prefixes ending in *, or *;
 * the two deployments differ, run, and are in different regions; same names only one way.
 */
const NAME = /^[a-zA-Z0-9._-]+$/;

export const PATTERN_HINT =
  'Names, prefixes ending in * (payments.*), or * for all; one per line or comma-separated.';

/** A list as typed: split on commas and new lines, trimmed, empty entries and repeats dropped. */
export function splitPatterns(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[\n,]/)
        .map((value) => value.trim())
        .filter(Boolean),
    ),
  ];
}

export function patternProblem(value: string): string | undefined {
  if (value === '*') return undefined;
  if (value.length > 249) return `${value.slice(0, 20)}…: at most 249 characters.`;
  const name = value.endsWith('*') ? value.slice(0, -1) : value;
  if (!NAME.test(name) || name === '.' || name === '..')
    return `${value}: use letters, digits, . _ and -, with * only at the end.`;
  return undefined;
}

export function patternListProblem(text: string, what: string): string | undefined {
  const values = splitPatterns(text);
  if (values.length === 0) return `Name at least one ${what} (or * for all).`;
  if (values.length > 100) return 'At most 100 patterns.';
  return values.map(patternProblem).find(Boolean);
}

export type LinkFormValues = {
  sourceDeploymentId: string;
  targetDeploymentId: string;
  mode: 'ONE_WAY' | 'TWO_WAY';
  topicNaming: 'PREFIXED' | 'IDENTITY';
  topics: string;
  consumerGroups: string;
};

export interface LinkableDeployment {
  id: string;
  name: string;
  status: string;
  region: string;
  spec: { externalListener: boolean; clientAuthentication: string };
}

export function validateLink(
  values: LinkFormValues,
  deployments: LinkableDeployment[],
): Record<string, string> {
  const errors: Record<string, string> = {};
  const source = deployments.find((d) => d.id === values.sourceDeploymentId);
  const target = deployments.find((d) => d.id === values.targetDeploymentId);
  if (!source) errors.sourceDeploymentId = 'Pick the deployment clients use now (the primary).';
  else if (source.status !== 'RUNNING') errors.sourceDeploymentId = `${source.name} is not running.`;
  if (!target) errors.targetDeploymentId = 'Pick the standby deployment.';
  else if (target.status !== 'RUNNING') errors.targetDeploymentId = `${target.name} is not running.`;
  if (source && target) {
    if (source.id === target.id) errors.targetDeploymentId = 'Pick a different deployment from the source.';
    else if (source.region === target.region)
      errors.targetDeploymentId = `Both are in ${source.region}: a standby protects against a region only in another region.`;
  }
  // The side(s) MirrorMaker 2 reads from must be reachable across regions.
  const readFrom = values.mode === 'TWO_WAY' ? [source, target] : [source];
  for (const side of readFrom) {
    if (side && !side.spec.externalListener) {
      const key = side === source ? 'sourceDeploymentId' : 'targetDeploymentId';
      errors[key] ??=
        `${side.name} has no external listener: enable it on ${side.name} first (mirroring reads it from another region).`;
    } else if (side && side.spec.clientAuthentication !== 'SCRAM_SHA_512') {
      const key = side === source ? 'sourceDeploymentId' : 'targetDeploymentId';
      errors[key] ??= `${side.name} authenticates clients with mTLS only; MirrorMaker 2 needs SCRAM-SHA-512.`;
    }
  }
  if (values.mode === 'TWO_WAY' && values.topicNaming === 'IDENTITY')
    errors.topicNaming = 'A two-way link needs prefixed names, so records cannot loop between the regions.';
  const topics = patternListProblem(values.topics, 'topic');
  if (topics) errors.topics = topics;
  const groups = patternListProblem(values.consumerGroups, 'consumer group');
  if (groups) errors.consumerGroups = groups;
  return errors;
}
