import { Query, Resolver } from '@nestjs/graphql';
import type { Principal } from '@streamplane/auth';
import { PrismaService } from '@streamplane/db';
import { OrganizationsService } from '@streamplane/orgs';
import { AnyMember, CurrentPrincipal } from '../../auth/access.decorators';
import { ViewerModel } from '../models/organization.model';

@Resolver(() => ViewerModel)
export class ViewerResolver {
  constructor(
    private readonly organizations: OrganizationsService,
    private readonly prisma: PrismaService,
  ) {}

  @AnyMember()
  @Query(() => ViewerModel, { description: 'The caller, their role and their organizations.' })
  async me(@CurrentPrincipal() principal: Principal): Promise<ViewerModel> {
    const [user, organization, memberships] = await Promise.all([
      this.prisma.user.findUniqueOrThrow({
        where: { id: principal.userId },
        select: { id: true, email: true, name: true },
      }),
      this.organizations.get(principal.orgId),
      this.organizations.listForUser(principal.userId),
    ]);
    return {
      principalType: principal.type,
      role: principal.role,
      user,
      organization,
      // An API token acts in exactly one organization; it does not reveal its creator's others.
      organizations:
        principal.type === 'USER'
          ? memberships.map((m) => ({ organization: m.org, role: m.role }))
          : [{ organization, role: principal.role }],
    };
  }
}
