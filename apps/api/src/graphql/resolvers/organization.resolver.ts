import { Args, Field, InputType, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { Principal } from '@streamplane/auth';
import { Role } from '@streamplane/db';
import { OrganizationsService } from '@streamplane/orgs';
import { AnyMember, CurrentPrincipal, RequireRole } from '../../auth/access.decorators';
import { OrganizationModel } from '../models/organization.model';

@InputType()
export class UpdateOrganizationInput {
  @Field(() => String) name!: string;
}

@Resolver(() => OrganizationModel)
export class OrganizationResolver {
  constructor(private readonly organizations: OrganizationsService) {}

  @AnyMember()
  @Query(() => OrganizationModel, { description: 'The organization the caller is acting in.' })
  organization(@CurrentPrincipal() principal: Principal) {
    return this.organizations.get(principal.orgId);
  }

  @RequireRole(Role.ADMIN)
  @Mutation(() => OrganizationModel)
  updateOrganization(
    @CurrentPrincipal() principal: Principal,
    @Args('input') input: UpdateOrganizationInput,
  ) {
    return this.organizations.update(principal, { ...input });
  }
}
