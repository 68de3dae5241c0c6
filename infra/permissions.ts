/**
 * The cloud permissions the program needs, as data: a Pulumi-free entry point (`@streamplane/infra/permissions`)
 * so the api can show customers what to grant without loading the AWS, Azure and Kubernetes SDKs.
 * Each table is tested against the resource types the program actually creates (see the permissions specs).
 */
export { awsManagedPolicyDocuments, awsPermissionPolicy, awsTrustPolicy } from './aws/permissions';
export type { PolicyDocument, PolicyStatement } from './aws/policy-document';
export { azureRoleAssignmentCondition, azureRoleDefinition } from './azure/permissions';
export type { AzureRoleDefinition } from './azure/permissions';
