import { Injectable } from '@nestjs/common';
import { AuditLogService } from '@streamplane/audit';
import { ApiTokenScope, PrismaService, Role, type ApiToken } from '@streamplane/db';
import { displayName, parseInput } from '@streamplane/errors';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { AuthError, AuthErrorCode } from './auth.errors';
import { actorOf, roleAtLeast, roleOfScope, type Principal } from './principal';
import { randomToken, sha256Hex } from './secrets';

export const API_TOKEN_PREFIX = 'sp_pat_';
const PREFIX_LENGTH = 12;

/**
 * Tokens read `sp_pat_<12 hex: prefix>_<43 base64url: secret>`. The prefix is hex so it can never hold
 * the `_` separator (base64url can), and it is read by position, not by splitting.
 */
export function newApiTokenSecret(): { prefix: string; secret: string } {
  const prefix = randomBytes(PREFIX_LENGTH / 2).toString('hex');
  return { prefix, secret: `${API_TOKEN_PREFIX}${prefix}_${randomToken(32)}` };
}

/** The lookup prefix of a presented token, or undefined when it is not shaped like one of ours. */
export function apiTokenPrefixOf(token: string): string | undefined {
  if (!token.startsWith(API_TOKEN_PREFIX)) return undefined;
  const prefix = token.slice(API_TOKEN_PREFIX.length, API_TOKEN_PREFIX.length + PREFIX_LENGTH);
  const separator = token.charAt(API_TOKEN_PREFIX.length + PREFIX_LENGTH);
  return /^[0-9a-f]{12}$/.test(prefix) && separator === '_' ? prefix : undefined;
}

const CreateApiTokenInput = z.strictObject({
  name: displayName(100),
  scopes: z
    .array(z.enum(ApiTokenScope))
    .min(1, 'must name at least one scope')
    .max(3)
    .refine((scopes) => new Set(scopes).size === scopes.length, 'must not repeat a scope'),
  expiresAt: z
    .date()
    .refine((d) => d.getTime() > Date.now() + 60_000, 'must be in the future')
    .refine((d) => d.getTime() < Date.now() + 366 * 86_400_000, 'must be within a year')
    .nullish(),
});
export type CreateApiTokenInput = z.input<typeof CreateApiTokenInput>;

export interface CreatedApiToken {
  apiToken: ApiToken;
  /** The whole token. Returned once, here; only its prefix and hash are stored. */
  secret: string;
}

@Injectable()
export class ApiTokensService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditLogService,
  ) {}

  list(orgId: string): Promise<ApiToken[]> {
    return this.prisma.apiToken.findMany({ where: { orgId }, orderBy: { createdAt: 'desc' } });
  }

  async create(principal: Principal, input: CreateApiTokenInput): Promise<CreatedApiToken> {
    const { name, scopes, expiresAt } = parseInput(CreateApiTokenInput, input);
    // A token can never do more than the person (or token) that made it.
    const excessive = scopes.filter((scope) => !roleAtLeast(principal.role, roleOfScope(scope)));
    if (excessive.length > 0) {
      throw new AuthError(
        AuthErrorCode.SCOPE_EXCEEDS_ROLE,
        `Your role (${principal.role}) cannot grant the scope(s) ${excessive.join(', ')}.`,
      );
    }
    const { prefix, secret } = newApiTokenSecret();
    const apiToken = await this.prisma.$transaction(async (tx) => {
      const created = await tx.apiToken.create({
        data: {
          orgId: principal.orgId,
          createdById: principal.userId,
          name,
          prefix,
          secretHash: sha256Hex(secret),
          scopes,
          expiresAt: expiresAt ?? null,
        },
      });
      await this.audit.record(tx, actorOf(principal), {
        action: 'api_token.create',
        targetType: 'ApiToken',
        targetId: created.id,
        metadata: { name, scopes: scopes.join(','), expiresAt: expiresAt?.toISOString() ?? null },
      });
      return created;
    });
    return { apiToken, secret };
  }

  async revoke(principal: Principal, tokenId: string): Promise<ApiToken> {
    parseInput(z.uuid(), tokenId);
    return this.prisma.$transaction(async (tx) => {
      const token = await tx.apiToken.findFirst({ where: { id: tokenId, orgId: principal.orgId } });
      if (!token)
        throw new AuthError(AuthErrorCode.API_TOKEN_NOT_FOUND, 'No such API token in this organization.');
      if (token.createdById !== principal.userId && !roleAtLeast(principal.role, Role.ADMIN)) {
        throw new AuthError(
          AuthErrorCode.INSUFFICIENT_ROLE,
          'Only an ADMIN can revoke API tokens other people created.',
        );
      }
      if (token.revokedAt) return token;
      const revoked = await tx.apiToken.update({ where: { id: token.id }, data: { revokedAt: new Date() } });
      await this.audit.record(tx, actorOf(principal), {
        action: 'api_token.revoke',
        targetType: 'ApiToken',
        targetId: token.id,
        metadata: { name: token.name },
      });
      return revoked;
    });
  }
}
