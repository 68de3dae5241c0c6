import { AuditLogService } from '@streamplane/audit';
import { loadConfig } from '@streamplane/config';
import {
  CloudProvider,
  databaseNameOf,
  ensureDatabase,
  migrateDatabase,
  PrismaService,
  quoteIdent,
  withDatabaseName,
} from '@streamplane/db';
import { CredentialCipher } from '@streamplane/secrets';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { cloudAccountSecretContext } from './crypto/cloud-account-secret-context';
import { reencryptCloudAccountSecrets } from './reencrypt';

// A database of its own (global-teardown drops it with the run): the command rewrites every row of the
// table, and other test files' rows in the worker's database are sealed under other keys.
const workerUrl = process.env.DATABASE_URL!;
const url = withDatabaseName(workerUrl, `${databaseNameOf(workerUrl)}_reencrypt`);

const K0 = Buffer.alloc(32, 7);
const K1 = Buffer.alloc(32, 1);
const K2 = Buffer.alloc(32, 2);
const keyring = (...entries: [string, Buffer][]) => ({ activeKeyId: entries[0][0], keys: new Map(entries) });

describe('re-encrypting cloud credentials under the active key', () => {
  let prisma: PrismaService;
  let audit: AuditLogService;
  let orgId: string;
  const secrets = new Map<string, string>();

  async function seal(cipher: CredentialCipher, count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const id = randomUUID();
      const secret = `secret-${i}-${randomUUID()}`;
      const sealed = cipher.encrypt(secret, cloudAccountSecretContext(id, 'azure-client-secret'));
      await prisma.cloudAccount.create({
        data: {
          id,
          orgId,
          provider: CloudProvider.AZURE,
          name: `azure ${id}`,
          allowedRegions: ['westeurope'],
          azureTenantId: randomUUID(),
          azureClientId: randomUUID(),
          azureSubscriptionId: randomUUID(),
          secretCiphertext: Buffer.from(sealed.ciphertext),
          secretKeyId: sealed.keyId,
        },
      });
      secrets.set(id, secret);
      ids.push(id);
    }
    return ids;
  }

  beforeAll(async () => {
    await ensureDatabase(url);
    await migrateDatabase(url);
    prisma = new PrismaService(loadConfig({ ...process.env, DATABASE_URL: url }));
    audit = new AuditLogService(prisma);
    orgId = (
      await prisma.organization.create({
        data: { name: 'Rotating', slug: `rot-${randomUUID().slice(0, 8)}` },
      })
    ).id;
  });

  afterAll(async () => {
    await prisma?.$disconnect();
    const admin = new Client({ connectionString: withDatabaseName(workerUrl, 'postgres') });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(databaseNameOf(url))} WITH (FORCE)`);
    await admin.end();
  });

  it('moves every row to the new key in batches, audits each, reports what it could not open, and is idempotent', async () => {
    const old = await seal(new CredentialCipher(keyring(['k1', K1])), 5);
    const current = await seal(new CredentialCipher(keyring(['k2', K2])), 1);
    const orphaned = await seal(new CredentialCipher(keyring(['k0', K0])), 1); // its key is no longer configured
    // An AWS account has nothing sealed and is left alone.
    await prisma.cloudAccount.create({
      data: {
        orgId,
        provider: CloudProvider.AWS,
        name: 'aws',
        allowedRegions: ['eu-west-1'],
        awsAccountId: '123456789012',
        awsRoleArn: 'arn:aws:iam::123456789012:role/r',
        awsExternalId: `streamplane-${randomUUID()}`,
      },
    });

    const rotated = new CredentialCipher(keyring(['k2', K2], ['k1', K1]));
    const lines: string[] = [];
    const report = await reencryptCloudAccountSecrets(
      { prisma, cipher: rotated, audit },
      { batchSize: 2, log: (l) => lines.push(l) },
    );

    expect(report).toEqual({
      reencrypted: 5,
      current: 1,
      failed: [
        {
          cloudAccountId: orphaned[0],
          keyId: 'k0',
          problem: expect.stringContaining('No credentials key "k0"'),
        },
      ],
    });
    expect(lines.length).toBe(3); // 6 rows not under k2, two per batch
    // Every moved row now opens with k2 alone, to the same secret, bound to its own row.
    const onlyK2 = new CredentialCipher(keyring(['k2', K2]));
    for (const id of [...old, ...current]) {
      const row = await prisma.cloudAccount.findUniqueOrThrow({ where: { id } });
      expect(row.secretKeyId).toBe('k2');
      const sealed = { ciphertext: row.secretCiphertext!, keyId: row.secretKeyId! };
      expect(onlyK2.decrypt(sealed, cloudAccountSecretContext(id, 'azure-client-secret'))).toBe(
        secrets.get(id),
      );
    }
    const entries = await prisma.auditLog.findMany({ where: { action: 'cloud_account.reencrypt' } });
    expect(entries.map((e) => e.targetId).sort()).toEqual([...old].sort());
    expect(entries.every((e) => e.actorType === 'SYSTEM')).toBe(true);
    expect(entries[0].metadata).toEqual({ fromKeyId: 'k1', toKeyId: 'k2' });
    expect(JSON.stringify(entries.map((e) => e.metadata))).not.toContain('secret-');

    // Run again: nothing left to move, nothing rewritten, no new audit entries.
    const before = await prisma.cloudAccount.findMany({ orderBy: { id: 'asc' } });
    const again = await reencryptCloudAccountSecrets({ prisma, cipher: rotated, audit }, { batchSize: 2 });
    expect(again).toMatchObject({ reencrypted: 0, current: 6, failed: [{ keyId: 'k0' }] });
    expect(await prisma.cloudAccount.findMany({ orderBy: { id: 'asc' } })).toEqual(before);
    expect(await prisma.auditLog.count({ where: { action: 'cloud_account.reencrypt' } })).toBe(5);
  });
});
