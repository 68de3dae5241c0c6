import { Field, ID, ObjectType } from '@nestjs/graphql';
import { Role } from './enums';

@ObjectType('User')
export class UserModel {
  @Field(() => ID) id!: string;
  @Field(() => String) email!: string;
  @Field(() => String) name!: string;
}

@ObjectType('Organization')
export class OrganizationModel {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => String) slug!: string;
  @Field(() => Date) createdAt!: Date;
}

@ObjectType('OrganizationMembership', { description: 'An organization the signed-in user belongs to.' })
export class OrganizationMembershipModel {
  @Field(() => OrganizationModel) organization!: OrganizationModel;
  @Field(() => Role) role!: Role;
}

@ObjectType('Member')
export class MemberModel {
  @Field(() => ID, { description: 'The membership id (use it to change the role or remove the member).' })
  id!: string;
  @Field(() => Role) role!: Role;
  @Field(() => Date) joinedAt!: Date;
  @Field(() => UserModel) user!: UserModel;
}

@ObjectType('Viewer', {
  description: 'Who is calling: a signed-in user or an API token, in one organization.',
})
export class ViewerModel {
  @Field(() => String, { description: 'USER or API_TOKEN' }) principalType!: string;
  @Field(() => Role, { description: 'Effective role (an API token is capped by its scopes).' }) role!: Role;
  @Field(() => UserModel, { description: 'The user, or the creator of the API token.' }) user!: UserModel;
  @Field(() => OrganizationModel) organization!: OrganizationModel;
  @Field(() => [OrganizationMembershipModel]) organizations!: OrganizationMembershipModel[];
}
