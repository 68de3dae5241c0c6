/**
 * The one place the grant documents come from: derived from what the infra program builds (and tested
 * against it there), through infra's Pulumi-free entry point.
 */
export {
  awsPermissionPolicy,
  awsTrustPolicy,
  azureRoleAssignmentCondition,
  azureRoleDefinition,
} from '@streamplane/infra/permissions';
export type { AzureRoleDefinition, PolicyDocument } from '@streamplane/infra/permissions';
