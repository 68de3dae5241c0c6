import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AuthModule, AuthService, hashPassword, randomToken } from '@streamplane/auth';
import { ConfigModule, loadConfig } from '@streamplane/config';
import { DbModule, PrismaService } from '@streamplane/db';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * Seeds a demo organization and user for `npm start`, once per database. The password is random per
 * machine, kept in .streamplane/ (git-ignored) and printed on every start so the person can sign in.
 */
const DEMO_EMAIL = 'demo@streamplane.local';
const CREDENTIALS_FILE = resolve(__dirname, '../../../../.streamplane/demo-password');

async function seedDemo(): Promise<void> {
  const config = loadConfig();
  @Module({ imports: [ConfigModule.forRoot(config), DbModule, AuthModule] })
  class SeedModule {}
  const app = await NestFactory.createApplicationContext(SeedModule, { logger: ['error', 'warn'] });
  try {
    const prisma = app.get(PrismaService);
    const password = existsSync(CREDENTIALS_FILE)
      ? readFileSync(CREDENTIALS_FILE, 'utf8').trim()
      : `sp-${randomToken(12)}`;
    const existing = await prisma.user.findUnique({ where: { email: DEMO_EMAIL } });
    if (!existing) {
      await app
        .get(AuthService)
        .signup(
          { email: DEMO_EMAIL, password, name: 'Demo User', organizationName: 'Demo Organization' },
          { ip: '127.0.0.1', userAgent: 'streamplane seed' },
        );
      mkdirSync(dirname(CREDENTIALS_FILE), { recursive: true });
      writeFileSync(CREDENTIALS_FILE, password, { mode: 0o600 });
      console.log('[streamplane] Seeded the demo organization "Demo Organization".');
    }
    if (existing && !existsSync(CREDENTIALS_FILE)) {
      // The database outlived .streamplane/ (deleted, or a fresh clone on the same database): the demo
      // password cannot be read back from its hash, so the demo user gets a new one.
      await prisma.user.update({
        where: { id: existing.id },
        data: { passwordHash: await hashPassword(password) },
      });
      mkdirSync(dirname(CREDENTIALS_FILE), { recursive: true });
      writeFileSync(CREDENTIALS_FILE, password, { mode: 0o600 });
      console.log('[streamplane] The demo password file was missing: the demo user has a new password.');
    }
    console.log(`[streamplane] Demo sign-in: ${DEMO_EMAIL} / ${password}`);
  } finally {
    await app.close();
  }
}

seedDemo().catch((error: unknown) => {
  console.error('[streamplane] seeding failed:', error);
  process.exit(1);
});
