import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AuditLogService, AuditModule } from '@streamplane/audit';
import { ConfigError, ConfigModule, loadConfig } from '@streamplane/config';
import { DbModule, PrismaService } from '@streamplane/db';
import { reencryptAgentTokens } from '@streamplane/metering';
import { CredentialCipher, SecretsModule } from '@streamplane/secrets';
import { reencryptCloudAccountSecrets } from '../reencrypt';

/**
 * `npm run credentials:reencrypt [-- --batch-size N]`: moves every secret sealed under the credentials
 * keyring — cloud accounts' client secrets and deployments' agent tokens — to the active key (the first of
 * CREDENTIALS_ENCRYPTION_KEYS). Rotate a key by putting the new one first, deploying, running this, and only
 * then removing the old key. Safe to run again; exits 1 if any row could not be opened.
 */
async function main(): Promise<number> {
  const batchArg = process.argv.indexOf('--batch-size');
  const batchSize = batchArg > 0 ? Number(process.argv[batchArg + 1]) : 100;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) {
    console.error('--batch-size must be a whole number from 1 to 10000');
    return 2;
  }
  const config = loadConfig();
  @Module({ imports: [ConfigModule.forRoot(config), DbModule, AuditModule, SecretsModule] })
  class ReencryptModule {}
  const app = await NestFactory.createApplicationContext(ReencryptModule, { logger: ['error', 'warn'] });
  try {
    const cipher = app.get(CredentialCipher);
    const deps = { prisma: app.get(PrismaService), cipher, audit: app.get(AuditLogService) };
    const log = (line: string) => console.log(`[streamplane] ${line}`);
    const done = (what: string, report: { reencrypted: number; current: number; failed: unknown[] }) =>
      log(
        `${what} done: ${report.reencrypted} re-encrypted, ${report.current} already under ` +
          `"${cipher.activeKeyId}", ${report.failed.length} failed`,
      );

    log(`re-encrypting cloud credentials under key "${cipher.activeKeyId}"`);
    const accounts = await reencryptCloudAccountSecrets(deps, { batchSize, log });
    done('cloud credentials', accounts);
    for (const failure of accounts.failed) {
      console.error(
        `[streamplane] cloud account ${failure.cloudAccountId} (key "${failure.keyId}"): ${failure.problem}`,
      );
    }

    log(`re-encrypting agent tokens under key "${cipher.activeKeyId}"`);
    const tokens = await reencryptAgentTokens(deps, { batchSize, log });
    done('agent tokens', tokens);
    for (const failure of tokens.failed) {
      console.error(
        `[streamplane] agent token ${failure.id} (key "${failure.keyId}"): ${failure.problem}; ` +
          "rotating the deployment's token (rotateAgentToken) seals a new one",
      );
    }
    return accounts.failed.length + tokens.failed.length > 0 ? 1 : 0;
  } finally {
    await app.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(78);
    }
    console.error(error);
    process.exit(1);
  },
);
