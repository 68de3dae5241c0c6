import { randomUUID } from 'node:crypto';
import { CredentialCipher, CredentialDecryptionError } from './credential-cipher';

const K1 = Buffer.alloc(32, 1);
const K2 = Buffer.alloc(32, 2);
const keyring = (...entries: [string, Buffer][]) => ({ activeKeyId: entries[0][0], keys: new Map(entries) });

const SECRET = 'Azure~client.secret_value-0123456789abcdefXYZ';
// Contexts as the domains build them: what the secret is, and its row.
const rowA = `streamplane/cloud-account/${randomUUID()}/azure-client-secret`;
const rowB = `streamplane/cloud-account/${randomUUID()}/azure-client-secret`;

function flip(bytes: Uint8Array, index: number): Buffer {
  const copy = Buffer.from(bytes);
  copy[index] ^= 0x01;
  return copy;
}

describe('CredentialCipher (AES-256-GCM, key id, row-bound associated data)', () => {
  const cipher = new CredentialCipher(keyring(['k1', K1]));

  it('round-trips a secret under the active key, and the ciphertext shows nothing of it', () => {
    const sealed = cipher.encrypt(SECRET, rowA);
    expect(sealed.keyId).toBe('k1');
    expect(cipher.decrypt(sealed, rowA)).toBe(SECRET);
    expect(Buffer.from(sealed.ciphertext).toString('latin1')).not.toContain(SECRET.slice(0, 12));
    // version + 12-byte IV + 16-byte tag + one byte per ASCII character
    expect(sealed.ciphertext.length).toBe(1 + 12 + 16 + SECRET.length);
  });

  it('uses a fresh IV each time: the same secret never seals to the same bytes', () => {
    const a = cipher.encrypt(SECRET, rowA);
    const b = cipher.encrypt(SECRET, rowA);
    expect(Buffer.from(a.ciphertext).equals(Buffer.from(b.ciphertext))).toBe(false);
  });

  it('refuses a ciphertext moved to another row (associated data binds it to its account id)', () => {
    const sealed = cipher.encrypt(SECRET, rowA);
    expect(() => cipher.decrypt(sealed, rowB)).toThrow(CredentialDecryptionError);
    expect(() => cipher.decrypt(sealed, rowB)).toThrow(/belongs to another record/);
    expect(cipher.decrypt(sealed, rowA)).toBe(SECRET);
  });

  it.each([
    ['the version byte', 0],
    ['the IV', 5],
    ['the tag', 1 + 12 + 3],
    ['the ciphertext body', 1 + 12 + 16 + 2],
  ])('refuses a ciphertext with a bit flipped in %s', (_where, index) => {
    const sealed = cipher.encrypt(SECRET, rowA);
    expect(() => cipher.decrypt({ ...sealed, ciphertext: flip(sealed.ciphertext, index) }, rowA)).toThrow(
      CredentialDecryptionError,
    );
  });

  it('refuses a truncated ciphertext', () => {
    const sealed = cipher.encrypt(SECRET, rowA);
    expect(() => cipher.decrypt({ ...sealed, ciphertext: sealed.ciphertext.slice(0, 20) }, rowA)).toThrow(
      CredentialDecryptionError,
    );
    expect(() => cipher.decrypt({ ...sealed, ciphertext: sealed.ciphertext.slice(0, -1) }, rowA)).toThrow(
      CredentialDecryptionError,
    );
  });

  it('names an unknown key id, without any key or secret material in the error', () => {
    const sealed = cipher.encrypt(SECRET, rowA);
    const attempt = () => cipher.decrypt({ ...sealed, keyId: 'k9' }, rowA);
    expect(attempt).toThrow(/No credentials key "k9"/);
    try {
      attempt();
    } catch (error) {
      expect(JSON.stringify({ message: (error as Error).message, ...(error as object) })).not.toContain(
        SECRET,
      );
    }
  });

  it('refuses a ciphertext relabelled with another key id that exists (the key id is authenticated)', () => {
    const both = new CredentialCipher(keyring(['k1', K1], ['k2', K2]));
    const sealed = both.encrypt(SECRET, rowA);
    expect(() => both.decrypt({ ...sealed, keyId: 'k2' }, rowA)).toThrow(CredentialDecryptionError);
  });

  it('rotates: a new active key decrypts old ciphertexts, marks them stale, and re-encrypts them under itself', () => {
    const old = cipher.encrypt(SECRET, rowA);
    const rotated = new CredentialCipher(keyring(['k2', K2], ['k1', K1]));
    expect(rotated.isStale(old)).toBe(true);
    const moved = rotated.encrypt(rotated.decrypt(old, rowA), rowA);
    expect(moved.keyId).toBe('k2');
    expect(rotated.isStale(moved)).toBe(false);
    // After re-encryption the old key can be dropped, and the old keyring can no longer read the row.
    expect(new CredentialCipher(keyring(['k2', K2])).decrypt(moved, rowA)).toBe(SECRET);
    expect(() => cipher.decrypt(moved, rowA)).toThrow(/No credentials key "k2"/);
  });

  it('will not start with an active key missing from the keyring or a key of the wrong size', () => {
    expect(() => new CredentialCipher({ activeKeyId: 'k3', keys: new Map([['k1', K1]]) })).toThrow(/"k3"/);
    expect(() => new CredentialCipher(keyring(['k1', Buffer.alloc(16)]))).toThrow(/not 32 bytes/);
  });
});
