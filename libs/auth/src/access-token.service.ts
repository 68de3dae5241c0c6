import { Injectable } from '@nestjs/common';
import { InjectConfig, type AppConfig } from '@streamplane/config';
import { createSigner, createVerifier, TokenError } from 'fast-jwt';
import { AuthError, AuthErrorCode } from './auth.errors';

export interface AccessClaims {
  userId: string;
  sessionId: string;
  orgId: string;
}

const ISSUER = 'streamplane';
const AUDIENCE = 'streamplane-api';

/** Short-lived signed access tokens (HS256). The session they name is still checked on every request. */
@Injectable()
export class AccessTokenService {
  private readonly sign: (payload: Record<string, unknown>) => string;
  private readonly verify: (token: string) => Record<string, unknown>;
  readonly ttlSeconds: number;

  constructor(@InjectConfig() config: AppConfig) {
    this.ttlSeconds = config.auth.accessTokenTtlSeconds;
    const key = config.auth.secret;
    this.sign = createSigner({
      key,
      algorithm: 'HS256',
      expiresIn: this.ttlSeconds * 1000,
      iss: ISSUER,
      aud: AUDIENCE,
    });
    this.verify = createVerifier({ key, algorithms: ['HS256'], allowedIss: ISSUER, allowedAud: AUDIENCE });
  }

  issue(claims: AccessClaims): { token: string; expiresAt: Date } {
    const token = this.sign({ sub: claims.userId, sid: claims.sessionId, org: claims.orgId });
    return { token, expiresAt: new Date(Date.now() + this.ttlSeconds * 1000) };
  }

  read(token: string): AccessClaims {
    try {
      const payload = this.verify(token);
      const { sub, sid, org } = payload;
      if (typeof sub !== 'string' || typeof sid !== 'string' || typeof org !== 'string') {
        throw new AuthError(AuthErrorCode.TOKEN_INVALID, 'The access token is malformed. Sign in again.');
      }
      return { userId: sub, sessionId: sid, orgId: org };
    } catch (error) {
      if (error instanceof AuthError) throw error;
      if (error instanceof TokenError && error.code === TokenError.codes.expired) {
        throw new AuthError(
          AuthErrorCode.TOKEN_EXPIRED,
          'The access token has expired. Refresh the session.',
        );
      }
      throw new AuthError(AuthErrorCode.TOKEN_INVALID, 'The access token is not valid. Sign in again.');
    }
  }
}
