import { Field, ID, InputType, ObjectType } from '@nestjs/graphql';
import { Role } from './enums';

@ObjectType('Invitation')
export class InvitationModel {
  @Field(() => ID) id!: string;
  @Field(() => String) email!: string;
  @Field(() => Role) role!: Role;
  @Field(() => Date) expiresAt!: Date;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Boolean) expired!: boolean;
}

@ObjectType('CreatedInvitation')
export class CreatedInvitationModel {
  @Field(() => InvitationModel) invitation!: InvitationModel;
  @Field(() => String, {
    description: 'Send this link to the invitee (there is no mail server). Only their email can accept it.',
  })
  link!: string;
}

@InputType()
export class InviteMemberInput {
  @Field(() => String) email!: string;
  @Field(() => Role) role!: Role;
}
