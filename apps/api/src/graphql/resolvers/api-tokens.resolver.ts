import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { ApiTokensService, type Principal } from '@streamplane/auth';
import { Role } from '@streamplane/db';
import { CurrentPrincipal, RequireRole } from '../../auth/access.decorators';
import { ApiTokenModel, CreateApiTokenInput, CreatedApiTokenModel } from '../models/api-token.model';

@Resolver(() => ApiTokenModel)
export class ApiTokensResolver {
  constructor(private readonly tokens: ApiTokensService) {}

  @RequireRole(Role.MEMBER)
  @Query(() => [ApiTokenModel], {
    description: 'Tokens of this organization, revoked ones included; never their secrets.',
  })
  apiTokens(@CurrentPrincipal() principal: Principal) {
    return this.tokens.list(principal.orgId);
  }

  @RequireRole(Role.MEMBER)
  @Mutation(() => CreatedApiTokenModel)
  createApiToken(@CurrentPrincipal() principal: Principal, @Args('input') input: CreateApiTokenInput) {
    return this.tokens.create(principal, { ...input });
  }

  @RequireRole(Role.MEMBER)
  @Mutation(() => ApiTokenModel, { description: 'Your own tokens; ADMINs can revoke anyone’s.' })
  revokeApiToken(
    @CurrentPrincipal() principal: Principal,
    @Args('tokenId', { type: () => ID }) tokenId: string,
  ) {
    return this.tokens.revoke(principal, tokenId);
  }
}
