import { DomainError, ErrorKind } from '@streamplane/errors';

export enum DeploymentSpecErrorCode {
  // The error as a whole; its problems carry the codes below.
  INVALID_DEPLOYMENT_SPEC = 'INVALID_DEPLOYMENT_SPEC',
  SPEC_CHANGE_NOT_ALLOWED = 'SPEC_CHANGE_NOT_ALLOWED',

  // Shape of the input.
  MISSING_FIELD = 'MISSING_FIELD',
  UNKNOWN_FIELD = 'UNKNOWN_FIELD',
  INVALID_TYPE = 'INVALID_TYPE',
  INVALID_VALUE = 'INVALID_VALUE',

  // Rules of a spec.
  INVALID_NAME = 'INVALID_NAME',
  UNKNOWN_CLOUD = 'UNKNOWN_CLOUD',
  UNKNOWN_REGION = 'UNKNOWN_REGION',
  WRONG_ZONE_COUNT = 'WRONG_ZONE_COUNT',
  DUPLICATE_ZONE = 'DUPLICATE_ZONE',
  ZONE_NOT_IN_REGION = 'ZONE_NOT_IN_REGION',
  UNSUPPORTED_KAFKA_VERSION = 'UNSUPPORTED_KAFKA_VERSION',
  INVALID_CONTROLLER_COUNT = 'INVALID_CONTROLLER_COUNT',
  TOO_FEW_BROKERS = 'TOO_FEW_BROKERS',
  TOO_MANY_BROKERS = 'TOO_MANY_BROKERS',
  UNKNOWN_NODE_SIZE = 'UNKNOWN_NODE_SIZE',
  NODE_SIZE_TOO_SMALL = 'NODE_SIZE_TOO_SMALL',
  STORAGE_TOO_SMALL = 'STORAGE_TOO_SMALL',
  STORAGE_TOO_LARGE = 'STORAGE_TOO_LARGE',
  INVALID_LISTENERS = 'INVALID_LISTENERS',
  INVALID_CLIENT_AUTHENTICATION = 'INVALID_CLIENT_AUTHENTICATION',
  INVALID_TAG_KEY = 'INVALID_TAG_KEY',
  INVALID_TAG_VALUE = 'INVALID_TAG_VALUE',
  DUPLICATE_TAG_KEY = 'DUPLICATE_TAG_KEY',
  TOO_MANY_TAGS = 'TOO_MANY_TAGS',

  // Changes a live deployment cannot take.
  NAME_CHANGED = 'NAME_CHANGED',
  CLOUD_CHANGED = 'CLOUD_CHANGED',
  REGION_CHANGED = 'REGION_CHANGED',
  ZONES_CHANGED = 'ZONES_CHANGED',
  CONTROLLERS_CHANGED = 'CONTROLLERS_CHANGED',
  CLIENT_AUTHENTICATION_CHANGED = 'CLIENT_AUTHENTICATION_CHANGED',
  STORAGE_DECREASED = 'STORAGE_DECREASED',
  KAFKA_DOWNGRADE = 'KAFKA_DOWNGRADE',
  KAFKA_VERSION_SKIPPED = 'KAFKA_VERSION_SKIPPED',
}

// A Record over the enum: adding a code without deciding its kind does not compile.
// A change rule is CONFLICT: the next spec would be valid on its own and is refused only because of the
// live deployment's current state.
const KIND: Record<DeploymentSpecErrorCode, ErrorKind> = {
  INVALID_DEPLOYMENT_SPEC: ErrorKind.BAD_USER_INPUT,
  SPEC_CHANGE_NOT_ALLOWED: ErrorKind.CONFLICT,
  MISSING_FIELD: ErrorKind.BAD_USER_INPUT,
  UNKNOWN_FIELD: ErrorKind.BAD_USER_INPUT,
  INVALID_TYPE: ErrorKind.BAD_USER_INPUT,
  INVALID_VALUE: ErrorKind.BAD_USER_INPUT,
  INVALID_NAME: ErrorKind.BAD_USER_INPUT,
  UNKNOWN_CLOUD: ErrorKind.BAD_USER_INPUT,
  UNKNOWN_REGION: ErrorKind.BAD_USER_INPUT,
  WRONG_ZONE_COUNT: ErrorKind.BAD_USER_INPUT,
  DUPLICATE_ZONE: ErrorKind.BAD_USER_INPUT,
  ZONE_NOT_IN_REGION: ErrorKind.BAD_USER_INPUT,
  UNSUPPORTED_KAFKA_VERSION: ErrorKind.BAD_USER_INPUT,
  INVALID_CONTROLLER_COUNT: ErrorKind.BAD_USER_INPUT,
  TOO_FEW_BROKERS: ErrorKind.BAD_USER_INPUT,
  TOO_MANY_BROKERS: ErrorKind.BAD_USER_INPUT,
  UNKNOWN_NODE_SIZE: ErrorKind.BAD_USER_INPUT,
  NODE_SIZE_TOO_SMALL: ErrorKind.BAD_USER_INPUT,
  STORAGE_TOO_SMALL: ErrorKind.BAD_USER_INPUT,
  STORAGE_TOO_LARGE: ErrorKind.BAD_USER_INPUT,
  INVALID_LISTENERS: ErrorKind.BAD_USER_INPUT,
  INVALID_CLIENT_AUTHENTICATION: ErrorKind.BAD_USER_INPUT,
  INVALID_TAG_KEY: ErrorKind.BAD_USER_INPUT,
  INVALID_TAG_VALUE: ErrorKind.BAD_USER_INPUT,
  DUPLICATE_TAG_KEY: ErrorKind.BAD_USER_INPUT,
  TOO_MANY_TAGS: ErrorKind.BAD_USER_INPUT,
  NAME_CHANGED: ErrorKind.CONFLICT,
  CLOUD_CHANGED: ErrorKind.CONFLICT,
  REGION_CHANGED: ErrorKind.CONFLICT,
  ZONES_CHANGED: ErrorKind.CONFLICT,
  CONTROLLERS_CHANGED: ErrorKind.CONFLICT,
  CLIENT_AUTHENTICATION_CHANGED: ErrorKind.CONFLICT,
  STORAGE_DECREASED: ErrorKind.CONFLICT,
  KAFKA_DOWNGRADE: ErrorKind.CONFLICT,
  KAFKA_VERSION_SKIPPED: ErrorKind.CONFLICT,
};

export function kindOf(code: DeploymentSpecErrorCode): ErrorKind {
  return KIND[code];
}

/** One thing wrong with a spec or a change: the field (dotted path), its code, and a message for people. */
export interface SpecProblem {
  field: string;
  code: DeploymentSpecErrorCode;
  message: string;
}

/**
 * One error for a whole spec: `reason` says whether the spec or the change was refused, `problems` (also in
 * `details.fields`, which the API returns) lists every problem found, each with its own code.
 */
export class DeploymentSpecError extends DomainError {
  constructor(
    code: DeploymentSpecErrorCode,
    message: string,
    readonly problems: readonly SpecProblem[] = [],
  ) {
    super(kindOf(code), code, message, problems.length > 0 ? { fields: [...problems] } : {});
    this.name = 'DeploymentSpecError';
  }

  /** The error for a list of problems: the summary names each one. */
  static of(code: DeploymentSpecErrorCode, lead: string, problems: readonly SpecProblem[]) {
    const summary = problems.map((problem) => `${problem.field}: ${problem.message}`).join('; ');
    return new DeploymentSpecError(code, `${lead}: ${summary}`, problems);
  }
}
