/**
 * AKS returns kubeconfigs base64-encoded. With local accounts disabled the user kubeconfig authenticates
 * through `kubelogin` (exec format) with Entra ID; the provisioner runs it non-interactively by setting
 * AAD_LOGIN_METHOD=spn and the service principal's AAD_SERVICE_PRINCIPAL_CLIENT_ID/_SECRET, which kubelogin
 * reads after its flags (the environment wins over the `--login devicecode` in the file).
 */
export function decodeAksKubeconfig(
  kubeconfigs: readonly { name?: string; value?: string }[] | undefined,
): string {
  const encoded = kubeconfigs?.[0]?.value;
  if (!encoded) throw new Error('AKS returned no user kubeconfig');
  return Buffer.from(encoded, 'base64').toString('utf8');
}
