/**
 * The one place the grant documents come from: `infra/aws/permissions.ts` and `infra/azure/permissions.ts`,
 * derived from what the infra program builds (and tested against it there).
 *
 * Imported by path, not through `@streamplane/infra`: that entry point does not export them, and it loads
 * the whole Pulumi program (the AWS, Azure and Kubernetes SDKs) — far too much for the api to load for a few
 * JSON documents. Switch to a Pulumi-free entry point of infra once there is one.
 */
// eslint-disable-next-line @nx/enforce-module-boundaries -- see above: infra's entry point loads Pulumi
export { awsPermissionPolicy, awsTrustPolicy } from '../../../../infra/aws/permissions';
// eslint-disable-next-line @nx/enforce-module-boundaries -- see above
export type { PolicyDocument } from '../../../../infra/aws/key-policy';
// eslint-disable-next-line @nx/enforce-module-boundaries -- see above
export { azureRoleAssignmentCondition, azureRoleDefinition } from '../../../../infra/azure/permissions';
// eslint-disable-next-line @nx/enforce-module-boundaries -- see above
export type { AzureRoleDefinition } from '../../../../infra/azure/permissions';
