import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import {
  AuthError,
  AuthErrorCode,
  AuthService,
  safeEqual,
  type Principal,
  type SignedIn,
} from '@streamplane/auth';
import { InjectConfig, type AppConfig } from '@streamplane/config';
import { ErrorKind } from '@streamplane/errors';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AnyMember, CurrentPrincipal, Public } from './access.decorators';
import { clearSessionCookies, CSRF_COOKIE, CSRF_HEADER, REFRESH_COOKIE, setSessionCookies } from './cookies';

/** Browser sign-in over REST: the session lives in httpOnly cookies, never in script-readable storage. */
@Controller('v1/auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  @Public()
  @Post('signup')
  @HttpCode(201)
  async signup(
    @Body() body: unknown,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.signedIn(await this.auth.signup(body, clientOf(req)), reply);
  }

  @Public()
  @Post('login')
  @HttpCode(200)
  async login(
    @Body() body: unknown,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.signedIn(await this.auth.login(body, clientOf(req)), reply);
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  async refresh(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    assertCsrf(req);
    try {
      const session = await this.auth.refresh(req.cookies[REFRESH_COOKIE], clientOf(req));
      setSessionCookies(reply, this.config, session);
      return { csrfToken: session.csrfToken, accessTokenExpiresAt: session.accessTokenExpiresAt };
    } catch (error) {
      // A refused refresh leaves nothing usable behind in the browser.
      if (error instanceof AuthError && error.kind !== ErrorKind.RATE_LIMITED)
        clearSessionCookies(reply, this.config);
      throw error;
    }
  }

  @AnyMember()
  @Post('logout')
  @HttpCode(204)
  async logout(
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    requireSession(principal);
    await this.auth.logout(principal.sessionId!, principal.userId, principal.orgId);
    clearSessionCookies(reply, this.config);
  }

  @AnyMember()
  @Post('switch-organization')
  @HttpCode(200)
  async switchOrganization(
    @CurrentPrincipal() principal: Principal,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    requireSession(principal);
    const switched = await this.auth.switchOrganization(principal.sessionId!, principal.userId, body);
    setSessionCookies(reply, this.config, switched);
    return {
      organization: {
        id: switched.organization.id,
        name: switched.organization.name,
        slug: switched.organization.slug,
      },
      role: switched.role,
      accessTokenExpiresAt: switched.accessTokenExpiresAt,
    };
  }

  private signedIn(result: SignedIn, reply: FastifyReply) {
    setSessionCookies(reply, this.config, result.session);
    const { user, organization, role, session } = result;
    return {
      user: { id: user.id, email: user.email, name: user.name },
      organization: { id: organization.id, name: organization.name, slug: organization.slug },
      role,
      csrfToken: session.csrfToken,
      accessTokenExpiresAt: session.accessTokenExpiresAt,
      sessionExpiresAt: session.sessionExpiresAt,
    };
  }
}

function clientOf(req: FastifyRequest) {
  const userAgent = req.headers['user-agent'];
  return { ip: req.ip, userAgent: typeof userAgent === 'string' ? userAgent : undefined };
}

function assertCsrf(req: FastifyRequest): void {
  const header = req.headers[CSRF_HEADER];
  const cookie = req.cookies[CSRF_COOKIE];
  if (typeof header !== 'string' || !cookie || !safeEqual(header, cookie)) {
    throw new AuthError(
      AuthErrorCode.CSRF_TOKEN_MISMATCH,
      `Send the ${CSRF_HEADER} header matching the ${CSRF_COOKIE} cookie.`,
    );
  }
}

function requireSession(principal: Principal): void {
  if (principal.type !== 'USER' || !principal.sessionId) {
    throw new AuthError(
      AuthErrorCode.USER_SESSION_REQUIRED,
      'This needs a browser session, not an API token.',
    );
  }
}
