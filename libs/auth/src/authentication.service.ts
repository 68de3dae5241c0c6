import { Injectable } from '@nestjs/common';
import { PrismaService } from '@streamplane/db';
import { AccessTokenService } from './access-token.service';
import { API_TOKEN_PREFIX, apiTokenPrefixOf } from './api-tokens.service';
import { AuthError, AuthErrorCode } from './auth.errors';
import { highestRole, lowerRole, roleOfScope, type Principal } from './principal';
import { safeEqual, sha256Hex } from './secrets';

export interface Credentials {
  /** The value of `Authorization: Bearer …`, if any. */
  bearer?: string;
  /** The access-token cookie, if any. */
  accessCookie?: string;
  /** The double-submit pair that proves a cookie-carrying request came from our own page. */
  csrfCookie?: string;
  csrfHeader?: string;
}

// lastUsedAt is for humans ("used 3 minutes ago"): writing it more than once a minute is wasted I/O.
const LAST_USED_RESOLUTION_MS = 60_000;

/** Turns request credentials into a Principal, or says precisely why it cannot. */
@Injectable()
export class AuthenticationService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly accessTokens: AccessTokenService,
  ) {}

  async authenticate(credentials: Credentials): Promise<Principal> {
    if (credentials.bearer) {
      return credentials.bearer.startsWith(API_TOKEN_PREFIX)
        ? this.fromApiToken(credentials.bearer)
        : this.fromAccessToken(credentials.bearer);
    }
    if (credentials.accessCookie) {
      // Browsers attach cookies to cross-site requests; a custom header echoing a cookie they cannot read cannot be forged.
      const { csrfCookie, csrfHeader } = credentials;
      if (!csrfCookie || !csrfHeader || !safeEqual(csrfCookie, csrfHeader)) {
        throw new AuthError(
          AuthErrorCode.CSRF_TOKEN_MISMATCH,
          'Cookie-authenticated requests must send the x-csrf-token header matching the sp_csrf cookie.',
        );
      }
      return this.fromAccessToken(credentials.accessCookie);
    }
    throw new AuthError(
      AuthErrorCode.NOT_AUTHENTICATED,
      'Sign in, or send an API token as "Authorization: Bearer …".',
    );
  }

  private async fromAccessToken(token: string): Promise<Principal> {
    const claims = this.accessTokens.read(token);
    const session = await this.prisma.session.findUnique({ where: { id: claims.sessionId } });
    if (
      !session ||
      session.revokedAt ||
      session.expiresAt <= new Date() ||
      session.userId !== claims.userId
    ) {
      throw new AuthError(AuthErrorCode.SESSION_ENDED, 'The session has ended. Sign in again.');
    }
    // The session, not the token, is authoritative for the organization (it changes on switch).
    const membership = await this.prisma.membership.findUnique({
      where: { orgId_userId: { orgId: session.orgId, userId: session.userId } },
    });
    if (!membership) {
      throw new AuthError(
        AuthErrorCode.NO_ORGANIZATION,
        'You are no longer a member of this organization. Sign in again.',
      );
    }
    return {
      type: 'USER',
      userId: session.userId,
      orgId: session.orgId,
      role: membership.role,
      sessionId: session.id,
    };
  }

  private async fromApiToken(secret: string): Promise<Principal> {
    const prefix = apiTokenPrefixOf(secret);
    const token = prefix ? await this.prisma.apiToken.findUnique({ where: { prefix } }) : null;
    if (!token || !safeEqual(token.secretHash, sha256Hex(secret))) {
      throw new AuthError(AuthErrorCode.TOKEN_INVALID, 'The API token is not valid.');
    }
    if (token.revokedAt) throw new AuthError(AuthErrorCode.TOKEN_REVOKED, 'The API token has been revoked.');
    if (token.expiresAt && token.expiresAt <= new Date()) {
      throw new AuthError(AuthErrorCode.TOKEN_EXPIRED, 'The API token has expired. Create a new one.');
    }
    const membership = await this.prisma.membership.findUnique({
      where: { orgId_userId: { orgId: token.orgId, userId: token.createdById } },
    });
    if (!membership) {
      throw new AuthError(
        AuthErrorCode.TOKEN_REVOKED,
        'The API token belonged to someone who left the organization.',
      );
    }
    const scopeRole = highestRole(token.scopes.map(roleOfScope));
    await this.prisma.apiToken.updateMany({
      where: {
        id: token.id,
        OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: new Date(Date.now() - LAST_USED_RESOLUTION_MS) } }],
      },
      data: { lastUsedAt: new Date() },
    });
    return {
      type: 'API_TOKEN',
      userId: token.createdById,
      orgId: token.orgId,
      role: lowerRole(membership.role, scopeRole),
      apiTokenId: token.id,
    };
  }
}
