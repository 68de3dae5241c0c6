import { Injectable, Logger } from '@nestjs/common';
import { AuditLogService } from '@streamplane/audit';
import { actorOf, AuthError, AuthErrorCode, randomToken, sha256Hex, type Principal } from '@streamplane/auth';
import { InjectConfig, type AppConfig } from '@streamplane/config';
import { ActorType, PrismaService, Role, type Invitation } from '@streamplane/db';
import { emailAddress, parseInput } from '@streamplane/errors';
import { z } from 'zod';
import { OrgError, OrgErrorCode } from './orgs.errors';

const INVITATION_TTL_MS = 7 * 86_400_000;

const InviteInput = z.strictObject({ email: emailAddress, role: z.enum(Role) });
export type InviteMemberInput = z.input<typeof InviteInput>;

const AcceptInput = z
  .string()
  .trim()
  .min(16, 'is not an invitation token')
  .max(128, 'is not an invitation token');

export interface CreatedInvitation {
  invitation: Invitation;
  /** There is no mail server: the inviter passes this link on. Only the invited email can use it. */
  link: string;
}

@Injectable()
export class InvitationsService {
  private readonly logger = new Logger(InvitationsService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditLogService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  listPending(orgId: string): Promise<Invitation[]> {
    return this.prisma.invitation.findMany({
      where: { orgId, acceptedAt: null, revokedAt: null },
      orderBy: { createdAt: 'desc' },
    });
  }

  async invite(principal: Principal, raw: InviteMemberInput): Promise<CreatedInvitation> {
    const { email, role } = parseInput(InviteInput, raw);
    if (principal.role !== Role.OWNER && (role === Role.OWNER || role === Role.ADMIN)) {
      throw new OrgError(OrgErrorCode.OWNER_ONLY, 'Only an OWNER can invite OWNERs and ADMINs.');
    }
    const token = randomToken();
    const invitation = await this.prisma.$transaction(async (tx) => {
      const existing = await tx.membership.findFirst({ where: { orgId: principal.orgId, user: { email } } });
      if (existing)
        throw new OrgError(OrgErrorCode.ALREADY_MEMBER, `${email} is already a member of this organization.`);
      // Inviting again replaces the earlier link, so only one is ever live per email.
      await tx.invitation.updateMany({
        where: { orgId: principal.orgId, email, acceptedAt: null, revokedAt: null },
        data: { revokedAt: new Date() },
      });
      const created = await tx.invitation.create({
        data: {
          orgId: principal.orgId,
          email,
          role,
          tokenHash: sha256Hex(token),
          invitedById: principal.userId,
          expiresAt: new Date(Date.now() + INVITATION_TTL_MS),
        },
      });
      await this.audit.record(tx, actorOf(principal), {
        action: 'invitation.create',
        targetType: 'Invitation',
        targetId: created.id,
        metadata: { email, role },
      });
      return created;
    });
    const link = `${this.config.http.publicUrl}/invitations/accept?token=${token}`;
    this.logger.log(
      { invitationId: invitation.id, email, link },
      'invitation created; no mail server, link returned to the inviter',
    );
    return { invitation, link };
  }

  async revoke(principal: Principal, invitationId: string): Promise<Invitation> {
    parseInput(z.uuid(), invitationId);
    return this.prisma.$transaction(async (tx) => {
      const invitation = await tx.invitation.findFirst({
        where: { id: invitationId, orgId: principal.orgId },
      });
      if (!invitation || invitation.acceptedAt) {
        throw new OrgError(
          OrgErrorCode.INVITATION_NOT_FOUND,
          'No such pending invitation in this organization.',
        );
      }
      if (invitation.revokedAt) return invitation;
      const revoked = await tx.invitation.update({
        where: { id: invitation.id },
        data: { revokedAt: new Date() },
      });
      await this.audit.record(tx, actorOf(principal), {
        action: 'invitation.revoke',
        targetType: 'Invitation',
        targetId: invitation.id,
        metadata: { email: invitation.email },
      });
      return revoked;
    });
  }

  /** The signed-in user joins the inviting organization, if the invitation was sent to their email. */
  async accept(principal: Principal, rawToken: string) {
    if (principal.type !== 'USER') {
      throw new AuthError(
        AuthErrorCode.USER_SESSION_REQUIRED,
        'Invitations are accepted by a signed-in person, not an API token.',
      );
    }
    const token = parseInput(AcceptInput, rawToken);
    return this.prisma.$transaction(async (tx) => {
      const invitation = await tx.invitation.findUnique({ where: { tokenHash: sha256Hex(token) } });
      if (!invitation || invitation.revokedAt || invitation.acceptedAt) {
        throw new OrgError(
          OrgErrorCode.INVITATION_NOT_FOUND,
          'This invitation is not valid (it may have been used or withdrawn).',
        );
      }
      const user = await tx.user.findUniqueOrThrow({ where: { id: principal.userId } });
      if (user.email !== invitation.email) {
        throw new OrgError(
          OrgErrorCode.INVITATION_NOT_FOR_YOU,
          'This invitation was sent to a different email address.',
        );
      }
      if (invitation.expiresAt <= new Date()) {
        throw new OrgError(
          OrgErrorCode.INVITATION_EXPIRED,
          'This invitation has expired. Ask for a new one.',
        );
      }
      const existing = await tx.membership.findUnique({
        where: { orgId_userId: { orgId: invitation.orgId, userId: user.id } },
      });
      if (existing)
        throw new OrgError(OrgErrorCode.ALREADY_MEMBER, 'You are already a member of this organization.');
      const membership = await tx.membership.create({
        data: { orgId: invitation.orgId, userId: user.id, role: invitation.role },
        include: { org: true },
      });
      await tx.invitation.update({ where: { id: invitation.id }, data: { acceptedAt: new Date() } });
      await this.audit.record(
        tx,
        { orgId: invitation.orgId, actorType: ActorType.USER, actorId: user.id },
        {
          action: 'invitation.accept',
          targetType: 'Invitation',
          targetId: invitation.id,
          metadata: { role: invitation.role },
        },
      );
      return membership;
    });
  }
}
