import { Module } from '@nestjs/common';
import { AuditModule } from '@streamplane/audit';
import { CreditsModule } from '@streamplane/billing';
import { AccessTokenService } from './access-token.service';
import { ApiTokensService } from './api-tokens.service';
import { AuthService } from './auth.service';
import { AuthenticationService } from './authentication.service';
import { RateLimitService } from './rate-limit.service';
import { SessionsService } from './sessions.service';

@Module({
  imports: [AuditModule, CreditsModule],
  providers: [
    AccessTokenService,
    ApiTokensService,
    AuthService,
    AuthenticationService,
    RateLimitService,
    SessionsService,
  ],
  exports: [ApiTokensService, AuthService, AuthenticationService],
})
export class AuthModule {}
