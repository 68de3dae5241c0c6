import { Injectable } from '@nestjs/common';
import { AuditLogService } from '@streamplane/audit';
import { CreditsService } from '@streamplane/billing';
import { ActorType, Prisma, PrismaService, Role, type Organization, type User } from '@streamplane/db';
import { displayName, emailAddress, parseInput } from '@streamplane/errors';
import { z } from 'zod';
import { AuthError, AuthErrorCode } from './auth.errors';
import { hashPassword, passwordSchema, verifyAgainstDummy, verifyPassword } from './password';
import { RateLimitService } from './rate-limit.service';
import { randomToken } from './secrets';
import { SessionsService, type ClientInfo, type IssuedSession } from './sessions.service';

const SignupInput = z
  .strictObject({
    email: emailAddress,
    password: z.string(),
    name: displayName(100),
    organizationName: displayName(100),
  })
  .superRefine((input, ctx) => {
    const result = passwordSchema(input.email).safeParse(input.password);
    for (const issue of result.error?.issues ?? []) {
      ctx.addIssue({ code: 'custom', path: ['password'], message: issue.message });
    }
  });
export type SignupInput = z.input<typeof SignupInput>;

const LoginInput = z.strictObject({
  email: emailAddress,
  password: z.string().min(1, 'is required').max(1024),
  organizationId: z.uuid().optional(),
});
export type LoginInput = z.input<typeof LoginInput>;

const SwitchInput = z.strictObject({ organizationId: z.uuid() });

export interface SignedIn {
  user: User;
  organization: Organization;
  role: Role;
  session: IssuedSession;
}

@Injectable()
export class AuthService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly sessions: SessionsService,
    private readonly rateLimits: RateLimitService,
    private readonly audit: AuditLogService,
    private readonly credits: CreditsService,
  ) {}

  /** Creates the user, their organization with them as OWNER, and a browser session — all or nothing. */
  async signup(raw: unknown, client: ClientInfo): Promise<SignedIn> {
    await this.rateLimits.consume('signupPerIp', client.ip ?? 'unknown');
    const input = parseInput(SignupInput, raw);
    const passwordHash = await hashPassword(input.password);
    try {
      return await this.prisma.$transaction(async (tx) => {
        if (await tx.user.findUnique({ where: { email: input.email }, select: { id: true } }))
          throw emailTaken();
        const user = await tx.user.create({
          data: { email: input.email, name: input.name, passwordHash, lastLoginAt: new Date() },
        });
        const organization = await tx.organization.create({
          data: { name: input.organizationName, slug: slugFor(input.organizationName) },
        });
        await tx.membership.create({ data: { orgId: organization.id, userId: user.id, role: Role.OWNER } });
        const actor = { orgId: organization.id, actorType: ActorType.USER, actorId: user.id };
        await this.audit.record(tx, actor, { action: 'auth.signup', targetType: 'User', targetId: user.id });
        await this.audit.record(tx, actor, {
          action: 'organization.create',
          targetType: 'Organization',
          targetId: organization.id,
          metadata: { name: organization.name },
        });
        // Every new organization gets its sign-up credits, in the same transaction as the organization.
        const grant = await this.credits.grantSignupCredits(tx, organization.id, new Date());
        if (grant) {
          await this.audit.record(tx, actor, {
            action: 'credits.grant',
            targetType: 'CreditGrant',
            targetId: grant.id,
            metadata: { amountMinor: grant.amountMinor.toString(), expiresAt: grant.expiresAt.toISOString() },
          });
        }
        const session = await this.sessions.start(tx, user.id, organization.id, client);
        return { user, organization, role: Role.OWNER, session };
      });
    } catch (error) {
      // Two sign-ups racing for one email: the unique index decides, and the loser gets the same answer.
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') throw emailTaken();
      throw error;
    }
  }

  async login(raw: unknown, client: ClientInfo): Promise<SignedIn> {
    await this.rateLimits.consume('loginPerIp', client.ip ?? 'unknown');
    const input = parseInput(LoginInput, raw);
    await this.rateLimits.consume('loginPerEmail', input.email);
    const user = await this.prisma.user.findUnique({ where: { email: input.email } });
    const valid = user
      ? await verifyPassword(user.passwordHash, input.password)
      : await verifyAgainstDummy(input.password);
    if (!user || !valid) {
      throw new AuthError(AuthErrorCode.INVALID_CREDENTIALS, 'The email or password is not correct.');
    }
    await this.rateLimits.reset('loginPerEmail', input.email);
    const membership = await this.prisma.membership.findFirst({
      where: { userId: user.id, ...(input.organizationId ? { orgId: input.organizationId } : {}) },
      orderBy: { createdAt: 'asc' },
      include: { org: true },
    });
    if (!membership) {
      throw input.organizationId
        ? new AuthError(AuthErrorCode.NOT_A_MEMBER, 'You are not a member of that organization.')
        : new AuthError(
            AuthErrorCode.NO_ORGANIZATION,
            'Your account belongs to no organization. Ask for an invitation.',
          );
    }
    return this.prisma.$transaction(async (tx) => {
      const updated = await tx.user.update({ where: { id: user.id }, data: { lastLoginAt: new Date() } });
      await this.audit.record(
        tx,
        { orgId: membership.orgId, actorType: ActorType.USER, actorId: user.id },
        { action: 'auth.login', targetType: 'User', targetId: user.id },
      );
      const session = await this.sessions.start(tx, user.id, membership.orgId, client);
      return { user: updated, organization: membership.org, role: membership.role, session };
    });
  }

  refresh(refreshToken: string | undefined, client: ClientInfo): Promise<IssuedSession> {
    return this.rateLimits.consume('refreshPerIp', client.ip ?? 'unknown').then(() => {
      if (!refreshToken)
        throw new AuthError(AuthErrorCode.NOT_AUTHENTICATED, 'No refresh token was sent. Sign in again.');
      return this.sessions.rotate(refreshToken);
    });
  }

  async logout(sessionId: string, userId: string, orgId: string): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      await this.sessions.revoke(tx, sessionId, 'LOGOUT');
      await this.audit.record(
        tx,
        { orgId, actorType: ActorType.USER, actorId: userId },
        { action: 'auth.logout', targetType: 'Session', targetId: sessionId },
      );
    });
  }

  /** Moves a browser session to another organization the user belongs to. */
  async switchOrganization(sessionId: string, userId: string, raw: unknown) {
    const { organizationId } = parseInput(SwitchInput, raw);
    const membership = await this.prisma.membership.findUnique({
      where: { orgId_userId: { orgId: organizationId, userId } },
      include: { org: true },
    });
    if (!membership)
      throw new AuthError(AuthErrorCode.NOT_A_MEMBER, 'You are not a member of that organization.');
    await this.prisma.$transaction(async (tx) => {
      await tx.session.update({ where: { id: sessionId }, data: { orgId: organizationId } });
      await this.audit.record(
        tx,
        { orgId: organizationId, actorType: ActorType.USER, actorId: userId },
        { action: 'auth.switch_organization', targetType: 'Session', targetId: sessionId },
      );
    });
    return {
      organization: membership.org,
      role: membership.role,
      ...this.sessions.accessFor(sessionId, userId, organizationId),
    };
  }
}

function emailTaken(): AuthError {
  return new AuthError(
    AuthErrorCode.EMAIL_TAKEN,
    'An account with this email already exists. Sign in instead.',
  );
}

/** A readable, unique slug: "Acme Data" → "acme-data-k3f9q2". */
function slugFor(name: string): string {
  const base = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  const suffix = randomToken(6)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
    .slice(0, 6)
    .padEnd(6, '0');
  return `${base || 'org'}-${suffix}`;
}
