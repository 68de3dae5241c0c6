import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { Principal } from '@streamplane/auth';
import type { Invitation } from '@streamplane/db';
import { InvitationsService } from '@streamplane/orgs';
import { AnyMember, CurrentPrincipal, RequireRole } from '../../auth/access.decorators';
import { Role } from '../models/enums';
import { CreatedInvitationModel, InvitationModel, InviteMemberInput } from '../models/invitation.model';
import { OrganizationMembershipModel } from '../models/organization.model';

function toInvitation(row: Invitation): InvitationModel {
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    expiresAt: row.expiresAt,
    createdAt: row.createdAt,
    expired: row.expiresAt <= new Date(),
  };
}

@Resolver(() => InvitationModel)
export class InvitationsResolver {
  constructor(private readonly invites: InvitationsService) {}

  @RequireRole(Role.ADMIN)
  @Query(() => [InvitationModel], { description: 'Invitations not yet accepted or withdrawn.' })
  async invitations(@CurrentPrincipal() principal: Principal) {
    return (await this.invites.listPending(principal.orgId)).map(toInvitation);
  }

  @RequireRole(Role.ADMIN)
  @Mutation(() => CreatedInvitationModel)
  async inviteMember(@CurrentPrincipal() principal: Principal, @Args('input') input: InviteMemberInput) {
    const created = await this.invites.invite(principal, { ...input });
    return { invitation: toInvitation(created.invitation), link: created.link };
  }

  @RequireRole(Role.ADMIN)
  @Mutation(() => InvitationModel)
  async revokeInvitation(
    @CurrentPrincipal() principal: Principal,
    @Args('invitationId', { type: () => ID }) invitationId: string,
  ) {
    return toInvitation(await this.invites.revoke(principal, invitationId));
  }

  @AnyMember()
  @Mutation(() => OrganizationMembershipModel, {
    description: 'Joins the inviting organization. Switch to it with POST /v1/auth/switch-organization.',
  })
  async acceptInvitation(@CurrentPrincipal() principal: Principal, @Args('token') token: string) {
    const membership = await this.invites.accept(principal, token);
    return { organization: membership.org, role: membership.role };
  }
}
