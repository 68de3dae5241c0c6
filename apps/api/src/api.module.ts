import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { MercuriusDriver, type MercuriusDriverConfig } from '@nestjs/mercurius';
import { AuditModule } from '@streamplane/audit';
import { AuthModule } from '@streamplane/auth';
import { CloudAccountsModule } from '@streamplane/cloud-accounts';
import { ConfigModule, type AppConfig } from '@streamplane/config';
import { DbModule } from '@streamplane/db';
import { Metrics } from '@streamplane/observability';
import { OrgsModule } from '@streamplane/orgs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AccessGuard } from './auth/access.guard';
import { AuthController } from './auth/auth.controller';
import { graphqlMetricsHooks } from './graphql/graphql-metrics';
import { RESOLVERS } from './graphql/resolvers';
import { HealthController } from './health/health.controller';
import { formatGraphQLResponse } from './http/error-responses';
import { RestExceptionFilter } from './http/rest-exception.filter';

@Module({})
export class ApiModule {
  static forRoot(config: AppConfig, metrics: Metrics): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        ConfigModule.forRoot(config),
        DbModule,
        AuditModule,
        AuthModule,
        OrgsModule,
        CloudAccountsModule,
        GraphQLModule.forRoot<MercuriusDriverConfig>({
          driver: MercuriusDriver,
          path: '/graphql',
          autoSchemaFile: true,
          sortSchema: true,
          graphiql: config.env === 'development',
          queryDepth: config.graphql.maxDepth,
          context: (req: FastifyRequest, reply: FastifyReply) => ({ req, reply }),
          errorFormatter: (execution, context) => formatGraphQLResponse(execution, context.reply.request.id),
          hooks: graphqlMetricsHooks(metrics),
        }),
      ],
      controllers: [AuthController, HealthController],
      providers: [
        ...RESOLVERS,
        { provide: Metrics, useValue: metrics },
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_FILTER, useClass: RestExceptionFilter },
      ],
    };
  }
}
