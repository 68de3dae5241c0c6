import type { ApiError } from './api-error';

/**
 * What to tell a person about an error the api answered with: the api's `reason` codes mapped to what to
 * do next. The api's own message (which names the value and the rule) is kept as the detail; an unknown
 * reason falls back to it, so a new server-side code still shows something true.
 */
const ADVICE: Record<string, string> = {
  // Sign-in and sessions
  INVALID_CREDENTIALS: 'The email or password is not correct. Check both, or create an account.',
  WEAK_PASSWORD: 'Choose a longer, less common password.',
  EMAIL_TAKEN: 'An account with this email exists already. Sign in instead.',
  NOT_AUTHENTICATED: 'You are signed out. Sign in again.',
  TOKEN_INVALID: 'Your session is not valid any more. Sign in again.',
  TOKEN_EXPIRED: 'Your session has expired. Sign in again.',
  TOKEN_REVOKED: 'Your session was ended. Sign in again.',
  SESSION_ENDED: 'Your session was ended. Sign in again.',
  REFRESH_TOKEN_REUSED: 'Your session was ended for safety (it was used from two places). Sign in again.',
  CSRF_TOKEN_MISMATCH: 'Your session is out of step with this page. Reload the page and try again.',
  NO_ORGANIZATION: 'You are not a member of any organization any more. Ask an admin to invite you.',
  NOT_A_MEMBER: 'You are not a member of that organization.',
  INSUFFICIENT_ROLE: 'Your role does not allow this. Ask an admin or owner of your organization.',
  SCOPE_EXCEEDS_ROLE: 'A token cannot do more than you can: choose a lower scope.',
  API_TOKEN_NOT_FOUND: 'That API token does not exist any more. Reload the list.',
  USER_SESSION_REQUIRED: 'This needs a signed-in person, not an API token.',
  RATE_LIMITED: 'Too many attempts in a short time. Wait a moment, then try again.',
  // Organization
  ORGANIZATION_NOT_FOUND: 'That organization does not exist any more.',
  MEMBER_NOT_FOUND: 'That member is not in the organization any more. Reload the list.',
  INVITATION_NOT_FOUND:
    'This invitation is not valid: it was withdrawn, replaced by a newer link, or used. Ask for a new one.',
  INVITATION_EXPIRED: 'This invitation has expired. Ask an admin of the organization for a new link.',
  INVITATION_NOT_FOR_YOU: 'This invitation is for another email address. Sign in with the invited address.',
  ALREADY_MEMBER: 'This person is a member already. Change their role in the member list instead.',
  LAST_OWNER: 'An organization needs an owner. Make someone else an owner first.',
  OWNER_ONLY: 'Only an owner can do this.',
  // Cloud accounts
  CLOUD_ACCOUNT_NOT_FOUND: 'That cloud account does not exist any more. Reload the list.',
  CLOUD_ACCOUNT_NAME_TAKEN: 'Another cloud account has this name. Choose a different name.',
  CLOUD_ACCOUNT_IN_USE: 'Deployments use this cloud account. Destroy them before removing it.',
  CLOUD_ACCOUNT_NOT_VERIFIED: 'Verify the cloud account before deploying into it.',
  CLOUD_ACCOUNT_WRONG_PROVIDER: 'The cloud account belongs to another cloud. Pick an account of this cloud.',
  REGION_NOT_ALLOWED: 'The cloud account does not allow this region. Pick one of its regions, or add it.',
  // Deployments
  DEPLOYMENT_NOT_FOUND: 'That deployment does not exist.',
  OPERATION_NOT_FOUND: 'That operation does not exist.',
  UPGRADE_PROPOSAL_NOT_FOUND: 'That upgrade proposal does not exist any more.',
  DEPLOYMENT_NAME_TAKEN: 'A deployment with this name exists already. Choose a different name.',
  OPERATION_IN_PROGRESS: 'Another change is running on this deployment. Wait for it to finish, then retry.',
  DEPLOYMENT_NOT_CHANGEABLE: 'The deployment cannot take changes in its current state.',
  NOTHING_TO_CHANGE: 'Nothing would change. Change at least one value.',
  CONFIRMATION_MISMATCH: 'Type the deployment’s name exactly as shown to confirm.',
  OPERATION_NOT_RETRYABLE: 'Only the latest failed or cancelled operation can be retried.',
  OPERATION_NOT_CANCELLABLE: 'This operation can no longer be cancelled.',
  UPGRADE_PROPOSAL_CLOSED: 'This proposal was already answered.',
  UPGRADE_PROPOSAL_EXPIRED: 'This proposal has expired; a new one will be made.',
  INVALID_MAINTENANCE_WINDOW: 'Choose a window that starts in the future and lasts one hour to a week.',
  INVALID_DEPLOYMENT_SPEC: 'Some settings are not valid. Fix the fields marked below.',
  SPEC_CHANGE_NOT_ALLOWED: 'A running deployment cannot take this change.',
  // Pipelines
  INVALID_PIPELINE: 'Some stages are not valid. Fix the fields marked below.',
  INVALID_TOPIC_NAME:
    'A topic name is not valid: use 1 to 249 letters, digits, dots, underscores or dashes. Fix the marked field.',
  UNKNOWN_STAGE_KIND: 'A stage has a kind Streamplane does not know. Pick one from the list.',
  INVALID_JSON_SCHEMA: 'A JSON Schema does not compile. Fix the schema in the marked stage.',
  PIPELINE_CYCLE:
    'The pipeline would feed its own input through another pipeline (a loop). Write to a topic no pipeline reads from here.',
  SINK_WRITES_SOURCE: 'The sink writes the topic the pipeline reads. Pick another topic for the sink.',
  TOPIC_TAKEN: 'Another pipeline writes this topic already. Name the stage’s topic differently.',
  DEPLOYMENT_NOT_RUNNING: 'The deployment is not running. Wait until it runs (or fix it), then try again.',
  PIPELINE_NAME_TAKEN: 'A pipeline with this name exists on the deployment. Choose a different name.',
  PIPELINE_NOT_FOUND: 'That pipeline does not exist.',
  PIPELINE_BUSY: 'A change of this pipeline is running. Wait for it to finish, then try again.',
  PIPELINE_NOT_CHANGEABLE: 'The pipeline cannot take this change in its current state.',
  // Replication links
  INVALID_REPLICATION_LINK: 'Some settings of the link are not valid. Fix the fields marked below.',
  INVALID_TOPIC_PATTERN: 'A pattern is not valid: use a name, a prefix ending in *, or * alone.',
  SAME_DEPLOYMENT: 'A deployment cannot replicate to itself. Pick two different deployments.',
  SAME_REGION: 'Both deployments are in the same region. Pick deployments in different regions.',
  EXTERNAL_LISTENER_REQUIRED:
    'Mirroring across regions needs the external listener. Enable it on the named deployment, then try again.',
  SCRAM_REQUIRED: 'Mirroring needs SCRAM-SHA-512 client authentication on both deployments.',
  IDENTITY_NAMING_ONE_WAY_ONLY: 'Same topic names work one way only. Use prefixed names for a two-way link.',
  LINK_EXISTS: 'These deployments are linked already. Change or delete the existing link instead.',
  LINK_NOT_FOUND: 'That replication link does not exist.',
  LINK_BUSY: 'A change of this link is running. Wait for it to finish, then try again.',
  LINK_NOT_CHANGEABLE: 'The link cannot take this step in its current state.',
  FAILOVER_PRECHECKS_FAILED:
    'The pre-checks failed: mirroring has not caught up. Wait and try again, or force the switch.',
  DEPLOYMENT_HAS_REPLICATION_LINKS: 'The deployment is part of a replication link. Delete the link first.',
  // Input and transport
  INVALID_INPUT: 'Some values are not valid. Fix the fields marked below.',
  GRAPHQL_VALIDATION_FAILED: 'The dashboard sent a request the api does not understand. Reload the page.',
  NETWORK: 'Streamplane could not be reached. Check your connection, then try again.',
  INTERNAL: 'Something went wrong on our side. Try again; if it persists, contact support.',
};

export interface ErrorDescription {
  /** What to do, in one sentence. */
  advice: string;
  /** The api's own message when it adds something (names the value or the rule). */
  detail?: string;
  /** For support: the request id to quote. */
  requestId?: string;
}

function humanSeconds(seconds: number): string {
  if (seconds < 90) return `${seconds} seconds`;
  const minutes = Math.ceil(seconds / 60);
  return minutes < 90 ? `${minutes} minutes` : `${Math.ceil(minutes / 60)} hours`;
}

export function describeError(error: ApiError): ErrorDescription {
  const advice = ADVICE[error.reason] ?? ADVICE[error.code];
  if (!advice) return { advice: error.message, requestId: error.requestId };
  const detail =
    error.reason === 'RATE_LIMITED' && error.retryAfterSeconds
      ? `Try again in ${humanSeconds(error.retryAfterSeconds)}.`
      : error.code === 'INTERNAL'
        ? undefined // the api's text only says to quote the request id, which is shown anyway
        : error.message;
  // The api's text adds nothing when the advice already says it.
  const redundant = !detail || advice.toLowerCase().includes(detail.toLowerCase().replace(/\.$/, ''));
  return { advice, detail: redundant ? undefined : detail, requestId: error.requestId };
}

/** Whether the error means the session is gone (sign in again), rather than this one request failing. */
export function endsSession(error: ApiError): boolean {
  return error.code === 'UNAUTHENTICATED' && error.reason !== 'INVALID_CREDENTIALS';
}

/**
 * Field problems keyed by form field: the api names fields by their input path (`spec.name`,
 * `input.roleArn`, `password`); `fieldMap` maps a path (or its last segment) to the form's own key.
 */
export function fieldErrors(error: ApiError, fieldMap: Record<string, string> = {}): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const problem of error.fields) {
    const last = problem.field.split('.').pop() ?? problem.field;
    const key = fieldMap[problem.field] ?? fieldMap[last] ?? last;
    const text = problem.message.charAt(0).toUpperCase() + problem.message.slice(1);
    errors[key] = errors[key] ? `${errors[key]} ${text}` : text;
  }
  return errors;
}
