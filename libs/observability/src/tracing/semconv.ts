/**
 * Attribute names of the OpenTelemetry semantic conventions that are still "incubating" (not exported by
 * the stable entry point of @opentelemetry/semantic-conventions), copied here as its README advises, plus
 * Streamplane's own under `streamplane.`.
 */
export const ATTR_GRAPHQL_OPERATION_NAME = 'graphql.operation.name';
export const ATTR_GRAPHQL_OPERATION_TYPE = 'graphql.operation.type';
export const ATTR_MESSAGING_SYSTEM = 'messaging.system';
export const ATTR_MESSAGING_DESTINATION_NAME = 'messaging.destination.name';
export const ATTR_MESSAGING_OPERATION_TYPE = 'messaging.operation.type';
export const ATTR_MESSAGING_MESSAGE_ID = 'messaging.message.id';
export const ATTR_HOST_NAME = 'host.name';
export const ATTR_PROCESS_PID = 'process.pid';

/** The top-level fields a GraphQL operation selects (names, not aliases): what an anonymous one did. */
export const ATTR_GRAPHQL_ROOT_FIELDS = 'streamplane.graphql.root_fields';
/** How many errors a GraphQL operation returned, and their `extensions.code`s (NOT_FOUND, FORBIDDEN, …). */
export const ATTR_GRAPHQL_ERROR_COUNT = 'streamplane.graphql.error_count';
export const ATTR_GRAPHQL_ERROR_CODES = 'streamplane.graphql.error_codes';
/** A queue job: its name in the queue's contract, the attempt it runs as (1, 2, …) and how it ended. */
export const ATTR_JOB_NAME = 'streamplane.job.name';
export const ATTR_JOB_ATTEMPT = 'streamplane.job.attempt';
export const ATTR_JOB_OUTCOME = 'streamplane.job.outcome';
export const ATTR_OPERATION_ID = 'streamplane.operation.id';
export const ATTR_DEPLOYMENT_ID = 'streamplane.deployment.id';
export const ATTR_ORG_ID = 'streamplane.org.id';
