import { defaultKafka, defaultsFor, findRegion, SPEC_LIMITS, specProblems } from '../catalog/catalog';
import type { ClientAuthentication, CloudProvider, DeploymentSpecInput } from '../generated/graphql';

/** The order form's values (strings and numbers as the inputs hold them). */
export interface SpecFormValues {
  [key: string]: unknown;
  cloudAccountId: string;
  name: string;
  region: string;
  zones: string[];
  kafkaVersion: string;
  controllers: '3' | '5';
  brokers: number | string;
  nodeSize: string;
  storagePerBrokerGiB: number | string;
  externalListener: boolean;
  clientAuthentication: ClientAuthentication;
}

export interface AccountChoice {
  id: string;
  provider: CloudProvider;
  allowedRegions: string[];
}

/** A first spec for an account: the catalog's defaults, moved into a region the account allows. */
export function initialSpecValues(account: AccountChoice | undefined): SpecFormValues {
  const provider = account?.provider ?? 'AWS';
  const defaults = defaultsFor(provider);
  const region =
    account && !account.allowedRegions.includes(defaults.region)
      ? account.allowedRegions[0]
      : defaults.region;
  return {
    cloudAccountId: account?.id ?? '',
    name: '',
    region,
    zones: defaultZones(provider, region),
    kafkaVersion: defaultKafka(),
    controllers: '3',
    brokers: defaults.brokers,
    nodeSize: defaults.nodeSize,
    storagePerBrokerGiB: defaults.storagePerBrokerGiB,
    externalListener: false,
    clientAuthentication: 'SCRAM_SHA_512',
  };
}

/** The first three zones of a region (a deployment spreads over exactly three). */
export function defaultZones(provider: CloudProvider, region: string): string[] {
  return [...(findRegion(provider, region)?.zones ?? [])].slice(0, 3);
}

export function toSpecInput(values: SpecFormValues, provider: CloudProvider): DeploymentSpecInput {
  return {
    name: values.name.trim(),
    cloud: provider,
    region: values.region,
    zones: values.zones,
    kafkaVersion: values.kafkaVersion,
    controllers: Number(values.controllers),
    brokers: Number(values.brokers),
    nodeSize: values.nodeSize,
    storagePerBrokerGiB: Number(values.storagePerBrokerGiB),
    listeners: { internal: true, external: values.externalListener },
    clientAuthentication: values.clientAuthentication,
    tags: [],
  };
}

/** The spec in the shape the shared rules (and the api) validate. */
function toDomainSpec(values: SpecFormValues, provider: CloudProvider) {
  return {
    name: values.name.trim(),
    cloud: provider === 'AWS' ? 'aws' : 'azure',
    region: values.region,
    zones: values.zones,
    kafkaVersion: values.kafkaVersion,
    controllers: Number(values.controllers),
    brokers: Number(values.brokers),
    nodeSize: values.nodeSize,
    storagePerBrokerGiB: Number(values.storagePerBrokerGiB),
    listeners: { internal: true, external: values.externalListener },
    clientAuthentication: values.clientAuthentication === 'MTLS' ? 'mtls' : 'scram-sha-512',
    tags: {},
  };
}

/** The form field a spec problem belongs to (`spec.zones.1` → `zones`, `listeners.external` → `externalListener`). */
export function formFieldOf(path: string): string {
  const parts = path.split('.').filter((part) => part !== 'spec' && part !== 'input');
  const [first] = parts;
  if (first === 'listeners') return 'externalListener';
  return first ?? path;
}

/** Every problem of the form's spec, by form field, from the rules the api applies. */
export function specFormErrors(values: SpecFormValues, provider: CloudProvider): Record<string, string> {
  const errors: Record<string, string> = {};
  if (!values.cloudAccountId) errors.cloudAccountId = 'Choose the cloud account to deploy into';
  if (values.name.trim() === '') {
    errors.name = `Enter a name: ${SPEC_LIMITS.name.minLength}–${SPEC_LIMITS.name.maxLength} lower-case letters, digits or “-”, starting with a letter`;
  }
  for (const problem of specProblems(toDomainSpec(values, provider))) {
    const field = formFieldOf(problem.field);
    if (errors[field]) continue;
    errors[field] = problem.message.charAt(0).toUpperCase() + problem.message.slice(1);
  }
  return errors;
}

/** A stable key of what a preview was made for: ordering needs a preview of exactly these values. */
export function specKey(values: SpecFormValues): string {
  return JSON.stringify([
    values.cloudAccountId,
    values.name.trim(),
    values.region,
    values.zones,
    values.kafkaVersion,
    values.controllers,
    Number(values.brokers),
    values.nodeSize,
    Number(values.storagePerBrokerGiB),
    values.externalListener,
    values.clientAuthentication,
  ]);
}
