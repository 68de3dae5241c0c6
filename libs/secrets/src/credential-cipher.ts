import type { CredentialsKeyring } from '@streamplane/config';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM for secrets at rest under the credentials keyring (CREDENTIALS_ENCRYPTION_KEYS): cloud accounts'
 * Azure client secrets (libs/cloud-accounts) and deployments' agent tokens (libs/metering).
 *
 * A sealed value is `version (1 byte) | IV (12 bytes) | tag (16 bytes) | ciphertext`, and the id of the key
 * that sealed it is stored beside it. The associated data (the `context` each domain builds, e.g.
 * `streamplane/cloud-account/<id>/<field>`) names what the secret is and which row it belongs to: GCM
 * authenticates it, so a ciphertext copied into another row, or into another field, fails to open instead of
 * handing one customer's secret to another's account. The version byte and key id are authenticated too
 * (they are part of the associated data), so neither can be relabelled.
 */
const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + IV_BYTES + TAG_BYTES;

export interface SealedSecret {
  ciphertext: Uint8Array;
  keyId: string;
}

/** Why a secret could not be opened. Carries ids only, never key or secret material. */
export class CredentialDecryptionError extends Error {
  constructor(
    message: string,
    readonly keyId: string,
  ) {
    super(message);
    this.name = 'CredentialDecryptionError';
  }
}

export class CredentialCipher {
  constructor(private readonly keyring: CredentialsKeyring) {
    for (const [id, key] of keyring.keys) {
      if (key.length !== 32) throw new Error(`Credentials key "${id}" is not 32 bytes`);
    }
    if (!keyring.keys.has(keyring.activeKeyId)) {
      throw new Error(`The active credentials key "${keyring.activeKeyId}" is not in the keyring`);
    }
  }

  get activeKeyId(): string {
    return this.keyring.activeKeyId;
  }

  /** Seals `plaintext` under the active key, bound to `context`. */
  encrypt(plaintext: string, context: string): SealedSecret {
    const keyId = this.keyring.activeKeyId;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keyring.keys.get(keyId)!, iv, {
      authTagLength: TAG_BYTES,
    });
    cipher.setAAD(associatedData(VERSION, keyId, context));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const ciphertext = Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]);
    return { ciphertext, keyId };
  }

  /** Opens a sealed secret; fails unless it was sealed for exactly this `context` and is unmodified. */
  decrypt(sealed: SealedSecret, context: string): string {
    const key = this.keyring.keys.get(sealed.keyId);
    if (!key) {
      throw new CredentialDecryptionError(
        `No credentials key "${sealed.keyId}" in CREDENTIALS_ENCRYPTION_KEYS (was it removed before re-encryption?)`,
        sealed.keyId,
      );
    }
    const data = Buffer.from(sealed.ciphertext);
    if (data.length < HEADER_BYTES || data[0] !== VERSION) {
      throw new CredentialDecryptionError(
        'The sealed secret is not in a format this version reads',
        sealed.keyId,
      );
    }
    const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(1, 1 + IV_BYTES), {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(associatedData(data[0], sealed.keyId, context));
    decipher.setAuthTag(data.subarray(1 + IV_BYTES, HEADER_BYTES));
    try {
      return Buffer.concat([decipher.update(data.subarray(HEADER_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw new CredentialDecryptionError(
        'The sealed secret failed authentication: it was modified, or it belongs to another record',
        sealed.keyId,
      );
    }
  }

  /** True when `sealed` is under another key than the active one (the re-encrypt command moves it). */
  isStale(sealed: Pick<SealedSecret, 'keyId'>): boolean {
    return sealed.keyId !== this.keyring.activeKeyId;
  }
}

function associatedData(version: number, keyId: string, context: string): Buffer {
  return Buffer.from(`v${version}|${keyId}|${context}`, 'utf8');
}
