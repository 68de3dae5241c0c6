import { Field, ID, ObjectType } from '@nestjs/graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { ActorType } from './enums';

@ObjectType('AuditLogEntry')
export class AuditLogEntryModel {
  @Field(() => ID) id!: string;
  @Field(() => String) action!: string;
  @Field(() => ActorType) actorType!: ActorType;
  @Field(() => ID, { nullable: true }) actorId!: string | null;
  @Field(() => String, { nullable: true }) targetType!: string | null;
  @Field(() => String, { nullable: true }) targetId!: string | null;
  @Field(() => GraphQLJSONObject) metadata!: Record<string, unknown>;
  @Field(() => String, { nullable: true }) ip!: string | null;
  @Field(() => String, { nullable: true }) requestId!: string | null;
  @Field(() => Date) createdAt!: Date;
}

@ObjectType('AuditLogPage')
export class AuditLogPageModel {
  @Field(() => [AuditLogEntryModel]) entries!: AuditLogEntryModel[];
  @Field(() => String, {
    nullable: true,
    description: 'Pass as `after` for the next (older) page; null at the end.',
  })
  nextCursor!: string | null;
}
