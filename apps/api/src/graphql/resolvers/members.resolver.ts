import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { Principal } from '@streamplane/auth';
import { MembersService } from '@streamplane/orgs';
import { AnyMember, CurrentPrincipal, RequireRole } from '../../auth/access.decorators';
import { Role } from '../models/enums';
import { MemberModel } from '../models/organization.model';

type MembershipRow = Awaited<ReturnType<MembersService['list']>>[number];

function toMember(row: MembershipRow): MemberModel {
  return { id: row.id, role: row.role, joinedAt: row.createdAt, user: row.user };
}

@Resolver(() => MemberModel)
export class MembersResolver {
  constructor(private readonly memberships: MembersService) {}

  @AnyMember()
  @Query(() => [MemberModel])
  async members(@CurrentPrincipal() principal: Principal) {
    return (await this.memberships.list(principal.orgId)).map(toMember);
  }

  @RequireRole(Role.ADMIN)
  @Mutation(() => MemberModel)
  async changeMemberRole(
    @CurrentPrincipal() principal: Principal,
    @Args('memberId', { type: () => ID }) memberId: string,
    @Args('role', { type: () => Role }) role: Role,
  ) {
    return toMember(await this.memberships.changeRole(principal, { memberId, role }));
  }

  @RequireRole(Role.ADMIN)
  @Mutation(() => MemberModel, {
    description: 'Removes the member and ends their sessions in this organization.',
  })
  async removeMember(
    @CurrentPrincipal() principal: Principal,
    @Args('memberId', { type: () => ID }) memberId: string,
  ) {
    return toMember(await this.memberships.remove(principal, memberId));
  }
}
