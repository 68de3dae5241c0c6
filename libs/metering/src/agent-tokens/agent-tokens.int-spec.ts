import { sha256Hex } from '@streamplane/auth';
import { AuditLogService } from '@streamplane/audit';
import { loadConfig, type AppConfig } from '@streamplane/config';
import {
  databaseNameOf,
  ensureDatabase,
  migrateDatabase,
  PrismaService,
  quoteIdent,
  withDatabaseName,
} from '@streamplane/db';
import { CredentialCipher, CredentialDecryptionError } from '@streamplane/secrets';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { agentTokenSecretContext } from './agent-token-format';
import { AgentTokensService } from './agent-tokens.service';
import { reencryptAgentTokens } from './reencrypt-agent-tokens';

// A database of its own (global-teardown drops it with the run): re-encryption rewrites every sealed token,
// and other test files' tokens in the worker's database are sealed under another keyring.
const workerUrl = process.env.DATABASE_URL!;
const url = withDatabaseName(workerUrl, `${databaseNameOf(workerUrl)}_agent_tokens`);

const K0 = Buffer.alloc(32, 7);
const K1 = Buffer.alloc(32, 1);
const K2 = Buffer.alloc(32, 2);
const keyring = (...entries: [string, Buffer][]) => ({ activeKeyId: entries[0][0], keys: new Map(entries) });

describe('agent tokens sealed for the stack', () => {
  let config: AppConfig;
  let prisma: PrismaService;
  let tokens: AgentTokensService;
  let orgId: string;
  let cloudAccountId: string;

  async function makeDeployment(org = orgId, account = cloudAccountId): Promise<string> {
    const id = randomUUID();
    await prisma.deployment.create({
      data: {
        id,
        orgId: org,
        cloudAccountId: account,
        name: `d-${id.slice(0, 8)}`,
        cloud: 'AZURE',
        region: 'westeurope',
        zones: ['1', '2', '3'],
        kafkaVersion: '4.1.0',
        controllers: 3,
        brokers: 3,
        nodeSize: 'small',
        storagePerBrokerGiB: 100,
        externalListener: false,
        clientAuthentication: 'SCRAM_SHA_512',
        spec: {},
        engine: 'local',
        stackName: `dep-${id}`,
      },
    });
    return id;
  }

  const rowsOf = (deploymentId: string) =>
    prisma.agentToken.findMany({ where: { deploymentId }, orderBy: { createdAt: 'asc' } });

  beforeAll(async () => {
    await ensureDatabase(url);
    await migrateDatabase(url);
    config = loadConfig({ ...process.env, DATABASE_URL: url });
    prisma = new PrismaService(config);
    tokens = new AgentTokensService(prisma, config, new CredentialCipher(keyring(['k1', K1])));
    const org = await prisma.organization.create({
      data: { name: 'Tokens', slug: `tok-${randomUUID().slice(0, 8)}` },
    });
    orgId = org.id;
    cloudAccountId = (
      await prisma.cloudAccount.create({
        data: { orgId, provider: 'AZURE', name: 'azure', status: 'VERIFIED' },
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

  it('issues the first token once, however many runs ask at the same time, and hands out that one after', async () => {
    const deploymentId = await makeDeployment();
    const first = await Promise.all(
      Array.from({ length: 8 }, () => tokens.tokenForStack(orgId, deploymentId)),
    );
    expect(new Set(first).size).toBe(1);
    const [row] = await rowsOf(deploymentId);
    expect(await rowsOf(deploymentId)).toHaveLength(1);
    expect(row.secretHash).toBe(sha256Hex(first[0]));
    expect(row).toMatchObject({ tokenKeyId: 'k1', expiresAt: null, revokedAt: null });
    // Sealed, not stored: the token's secret part is nowhere in the row.
    expect(Buffer.from(row.tokenCiphertext!).toString('latin1')).not.toContain(first[0].slice(20));
    expect(await tokens.tokenForStack(orgId, deploymentId)).toBe(first[0]);
    expect(await tokens.authenticate(first[0])).toMatchObject({ orgId, deploymentId, tokenId: row.id });
  });

  it('hands out the newest token after a rotation; the rotated-out one keeps its hash, not its sealed copy', async () => {
    const deploymentId = await makeDeployment();
    const old = await tokens.tokenForStack(orgId, deploymentId);
    const rotated = await tokens.issue(orgId, deploymentId);
    expect(await tokens.tokenForStack(orgId, deploymentId)).toBe(rotated.token);
    const [oldRow, newRow] = await rowsOf(deploymentId);
    expect(oldRow).toMatchObject({ tokenCiphertext: null, tokenKeyId: null, revokedAt: null });
    expect(oldRow.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 3_500_000);
    expect(newRow).toMatchObject({ id: rotated.id, tokenKeyId: 'k1', expiresAt: null });
    expect(await tokens.authenticate(old)).toMatchObject({ deploymentId }); // within its grace

    // Revoking everything (a destroy) drops the sealed copy too; the next run gets a new token.
    expect(await tokens.revokeAll(orgId, deploymentId)).toBe(2);
    expect((await rowsOf(deploymentId)).every((r) => r.tokenCiphertext === null && r.revokedAt)).toBe(true);
    const next = await tokens.tokenForStack(orgId, deploymentId);
    expect([old, rotated.token]).not.toContain(next);
  });

  it('replaces a token issued before tokens were sealed, giving the old one its grace', async () => {
    const deploymentId = await makeDeployment();
    const legacy = await tokens.issue(orgId, deploymentId);
    await prisma.agentToken.update({
      where: { id: legacy.id },
      data: { tokenCiphertext: null, tokenKeyId: null },
    });
    const token = await tokens.tokenForStack(orgId, deploymentId);
    expect(token).not.toBe(legacy.token);
    const [legacyRow] = await rowsOf(deploymentId);
    expect(legacyRow.expiresAt).not.toBeNull();
    expect(await tokens.authenticate(legacy.token)).toMatchObject({ deploymentId });
  });

  it('refuses a sealed token moved to another row, and one that does not match its hash', async () => {
    const a = await makeDeployment();
    const b = await makeDeployment();
    await tokens.tokenForStack(orgId, a);
    await tokens.tokenForStack(orgId, b);
    const [rowA] = await rowsOf(a);
    const [rowB] = await rowsOf(b);
    await prisma.agentToken.update({
      where: { id: rowB.id },
      data: { tokenCiphertext: rowA.tokenCiphertext, tokenKeyId: rowA.tokenKeyId },
    });
    await expect(tokens.tokenForStack(orgId, b)).rejects.toThrow(CredentialDecryptionError);
    await expect(tokens.tokenForStack(orgId, b)).rejects.toThrow(/belongs to another record/);

    // Correctly sealed for its row, but not the token its hash authenticates.
    const cipher = new CredentialCipher(keyring(['k1', K1]));
    const sealed = cipher.encrypt(
      'sp_agt_000000000000_' + 'x'.repeat(43),
      agentTokenSecretContext(rowB.id, b),
    );
    await prisma.agentToken.update({
      where: { id: rowB.id },
      data: { tokenCiphertext: Buffer.from(sealed.ciphertext), tokenKeyId: sealed.keyId },
    });
    await expect(tokens.tokenForStack(orgId, b)).rejects.toThrow(/does not match its hash/);
  });

  it("answers DEPLOYMENT_NOT_FOUND for another organization's deployment and writes nothing", async () => {
    const otherOrg = await prisma.organization.create({
      data: { name: 'Other', slug: `oth-${randomUUID().slice(0, 8)}` },
    });
    const otherAccount = await prisma.cloudAccount.create({
      data: { orgId: otherOrg.id, provider: 'AZURE', name: 'azure', status: 'VERIFIED' },
    });
    const theirs = await makeDeployment(otherOrg.id, otherAccount.id);
    for (const deploymentId of [theirs, 'not-a-uuid', randomUUID()]) {
      await expect(tokens.tokenForStack(orgId, deploymentId)).rejects.toMatchObject({
        reason: 'DEPLOYMENT_NOT_FOUND',
      });
    }
    expect(await prisma.agentToken.count({ where: { deploymentId: theirs } })).toBe(0);
  });

  it('re-seals every current token under the new key, audited without the token, and is idempotent', async () => {
    const deployments = [await makeDeployment(), await makeDeployment(), await makeDeployment()];
    const before = new Map<string, string>();
    for (const id of deployments) before.set(id, await tokens.tokenForStack(orgId, id));
    // One sealed under a key no longer configured: it cannot be moved.
    const orphaned = await makeDeployment();
    await new AgentTokensService(prisma, config, new CredentialCipher(keyring(['k0', K0]))).tokenForStack(
      orgId,
      orphaned,
    );
    const [orphanedRow] = await rowsOf(orphaned);
    const sealedBefore = await prisma.agentToken.count({ where: { tokenCiphertext: { not: null } } });

    const rotatedKeys = new CredentialCipher(keyring(['k2', K2], ['k1', K1]));
    const audit = new AuditLogService(prisma);
    const lines: string[] = [];
    const report = await reencryptAgentTokens(
      { prisma, cipher: rotatedKeys, audit },
      { batchSize: 2, log: (line) => lines.push(line) },
    );
    expect(report.reencrypted).toBe(sealedBefore - 1);
    expect(report.current).toBe(0);
    expect(report.failed).toEqual([
      { id: orphanedRow.id, keyId: 'k0', problem: expect.stringContaining('No credentials key "k0"') },
    ]);
    expect(lines.length).toBeGreaterThan(0);

    // Under k2 alone, every deployment's stack gets the token it had.
    const onlyK2 = new AgentTokensService(prisma, config, new CredentialCipher(keyring(['k2', K2])));
    for (const id of deployments) expect(await onlyK2.tokenForStack(orgId, id)).toBe(before.get(id));
    expect(await prisma.agentToken.count({ where: { tokenKeyId: 'k1' } })).toBe(0);
    expect(await prisma.agentToken.findUniqueOrThrow({ where: { id: orphanedRow.id } })).toEqual(orphanedRow);

    const entries = await prisma.auditLog.findMany({ where: { action: 'agent_token.reencrypt' } });
    expect(entries).toHaveLength(sealedBefore - 1);
    expect(entries.every((e) => e.actorType === 'SYSTEM' && e.targetType === 'AgentToken')).toBe(true);
    expect(entries[0].metadata).toMatchObject({ fromKeyId: 'k1', toKeyId: 'k2' });
    const text = JSON.stringify(entries.map((e) => e.metadata));
    for (const token of before.values()) expect(text).not.toContain(token.slice('sp_agt_'.length));

    const again = await reencryptAgentTokens({ prisma, cipher: rotatedKeys, audit });
    expect(again).toMatchObject({ reencrypted: 0, current: sealedBefore - 1, failed: [{ keyId: 'k0' }] });
    expect(await prisma.auditLog.count({ where: { action: 'agent_token.reencrypt' } })).toBe(
      sealedBefore - 1,
    );
  });
});
