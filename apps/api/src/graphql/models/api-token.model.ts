import { Field, ID, InputType, ObjectType } from '@nestjs/graphql';
import { ApiTokenScope } from './enums';

@ObjectType('ApiToken')
export class ApiTokenModel {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => String, {
    description: 'The visible start of the token, to recognise it; the secret is never shown again.',
  })
  prefix!: string;
  @Field(() => [ApiTokenScope]) scopes!: ApiTokenScope[];
  @Field(() => Date, { nullable: true }) expiresAt!: Date | null;
  @Field(() => Date, { nullable: true }) lastUsedAt!: Date | null;
  @Field(() => Date, { nullable: true }) revokedAt!: Date | null;
  @Field(() => Date) createdAt!: Date;
  @Field(() => ID) createdById!: string;
}

@ObjectType('CreatedApiToken')
export class CreatedApiTokenModel {
  @Field(() => ApiTokenModel) apiToken!: ApiTokenModel;
  @Field(() => String, { description: 'Use as "Authorization: Bearer <secret>". Shown only this once.' })
  secret!: string;
}

@InputType()
export class CreateApiTokenInput {
  @Field(() => String) name!: string;
  @Field(() => [ApiTokenScope]) scopes!: ApiTokenScope[];
  @Field(() => Date, { nullable: true, description: 'Optional; within a year.' }) expiresAt?: Date | null;
}
