import { CredentialCipher, type SealedSecret } from '@streamplane/secrets';
import { randomBytes } from 'node:crypto';

/** Which side's mirroring user a password belongs to. */
export type LinkSide = 'source' | 'target';

/** Bound to the link and side, so a ciphertext copied to another link or side fails to open. */
export const passwordContext = (linkId: string, side: LinkSide): string =>
  `streamplane/replication-link/${linkId}/${side}-password`;

/** A new SCRAM password (256 bits, URL-safe: it goes into Secrets and JAAS configs untouched). */
export function generateMirroringPassword(): string {
  return randomBytes(32).toString('base64url');
}

export function sealPassword(
  cipher: CredentialCipher,
  linkId: string,
  side: LinkSide,
  password: string,
): SealedSecret {
  return cipher.encrypt(password, passwordContext(linkId, side));
}

export function openPassword(
  cipher: CredentialCipher,
  linkId: string,
  side: LinkSide,
  sealed: SealedSecret,
): string {
  return cipher.decrypt(sealed, passwordContext(linkId, side));
}
