import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { MercuriusDriver, type MercuriusDriverConfig } from '@nestjs/mercurius';
import { AuditModule } from '@streamplane/audit';
import { AuthModule } from '@streamplane/auth';
import { InvoicingModule } from '@streamplane/billing';
import { CloudAccountsModule } from '@streamplane/cloud-accounts';
import { ConfigModule, type AppConfig } from '@streamplane/config';
import { DbModule } from '@streamplane/db';
import { DeploymentsModule } from '@streamplane/deployments';
import { UsageQueriesModule } from '@streamplane/metering';
import { Metrics, MetricsModule } from '@streamplane/observability';
import { OrgsModule } from '@streamplane/orgs';
import { PipelinesModule } from '@streamplane/pipelines';
import { ReplicationModule } from '@streamplane/replication';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { MercuriusContext } from 'mercurius';
import { AgentModule } from './agent/agent.module';
import { AccessGuard } from './auth/access.guard';
import { AuthController } from './auth/auth.controller';
import { graphqlMetricsHooks } from './graphql/graphql-metrics';
import { PipelineEventBus } from './graphql/live/pipeline-event-bus';
import { RESOLVERS } from './graphql/resolvers';
import { HealthController } from './health/health.controller';
import { IngestModule } from './ingest/ingest.module';
import { formatGraphQLResponse } from './http/error-responses';
import { RestExceptionFilter } from './http/rest-exception.filter';
import { DeploymentEventBus } from './subscriptions/deployment-event-bus';
import { DeploymentEventStreams } from './subscriptions/deployment-event-streams';
import { SubscriberSessions } from './subscriptions/subscriber-sessions';
import { subscriptionOptions } from './subscriptions/subscription-options';
import { SubscriptionsModule } from './subscriptions/subscriptions.module';
import { UsageExportModule } from './usage-export/usage-export.module';

@Module({})
export class ApiModule {
  static forRoot(config: AppConfig, metrics: Metrics): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        ConfigModule.forRoot(config),
        // The same registry, injectable in every module (the ingest controller counts events into it).
        MetricsModule.forRoot(metrics),
        DbModule,
        AuditModule,
        AuthModule,
        OrgsModule,
        CloudAccountsModule,
        DeploymentsModule,
        PipelinesModule,
        ReplicationModule,
        IngestModule,
        AgentModule,
        InvoicingModule,
        UsageQueriesModule,
        UsageExportModule,
        GraphQLModule.forRootAsync<MercuriusDriverConfig>({
          driver: MercuriusDriver,
          imports: [SubscriptionsModule],
          inject: [SubscriberSessions],
          useFactory: (sessions: SubscriberSessions) => ({
            path: '/graphql',
            autoSchemaFile: true,
            sortSchema: true,
            graphiql: config.env === 'development',
            queryDepth: config.graphql.maxDepth,
            context: (req: FastifyRequest, reply: FastifyReply) => ({ req, reply }),
            // Over HTTP the context has the reply; a subscription's per-event errors come with the socket's.
            errorFormatter: (execution, context: Partial<MercuriusContext> & { request?: FastifyRequest }) =>
              formatGraphQLResponse(execution, context.reply?.request.id ?? context.request?.id ?? 'unknown'),
            hooks: graphqlMetricsHooks(metrics),
            subscription: subscriptionOptions(sessions),
          }),
        }),
        SubscriptionsModule,
      ],
      controllers: [AuthController, HealthController],
      providers: [
        ...RESOLVERS,
        DeploymentEventBus,
        DeploymentEventStreams,
        PipelineEventBus,
        { provide: Metrics, useValue: metrics },
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_FILTER, useClass: RestExceptionFilter },
      ],
    };
  }
}
