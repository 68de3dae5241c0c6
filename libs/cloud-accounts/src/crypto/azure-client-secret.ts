import type { CloudAccount } from '@streamplane/db';
import { CredentialDecryptionError, type CredentialCipher } from '@streamplane/secrets';
import { cloudAccountSecretContext } from './cloud-account-secret-context';

/**
 * Opens an Azure account's client secret, for the one call that needs it (a verification, a run).
 * Fails with CredentialDecryptionError (ids only) when it is missing or cannot be opened.
 */
export function openAzureClientSecret(
  cipher: CredentialCipher,
  account: Pick<CloudAccount, 'id' | 'secretCiphertext' | 'secretKeyId'>,
): string {
  if (!account.secretCiphertext || !account.secretKeyId) {
    throw new CredentialDecryptionError(
      `Cloud account ${account.id} has no client secret stored`,
      account.secretKeyId ?? '',
    );
  }
  return cipher.decrypt(
    { ciphertext: account.secretCiphertext, keyId: account.secretKeyId },
    cloudAccountSecretContext(account.id, 'azure-client-secret'),
  );
}
