/** What a cloud account's sealed secret is bound to (the cipher's associated data): its row and its field. */
export function cloudAccountSecretContext(cloudAccountId: string, field: 'azure-client-secret'): string {
  return `streamplane/cloud-account/${cloudAccountId}/${field}`;
}
