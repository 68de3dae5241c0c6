import { Module } from '@nestjs/common';
import { AuthModule } from '@streamplane/auth';
import { SubscriberSessions } from './subscriber-sessions';

/** Socket authentication, imported by the GraphQL module's factory (Mercurius' `subscription` option). */
@Module({ imports: [AuthModule], providers: [SubscriberSessions], exports: [SubscriberSessions] })
export class SubscriptionsModule {}
