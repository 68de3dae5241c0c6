import { Module, type DynamicModule } from '@nestjs/common';
import { InvoicingModule, RollupModule } from '@streamplane/billing';
import { ConfigModule, type AppConfig } from '@streamplane/config';
import { DbModule } from '@streamplane/db';
import { Metrics, MetricsModule } from '@streamplane/observability';
import { BillingWorker } from './billing.worker';
import { InvoicesFinalizeJob } from './jobs/invoices-finalize.job';
import { InvoicesRefreshJob } from './jobs/invoices-refresh.job';
import { BILLING_JOB_HANDLERS } from './jobs/job-handlers';
import { UsageRollupJob } from './jobs/usage-rollup.job';

@Module({})
export class BillingWorkerModule {
  /** `metrics`: the process' registry (a new one when not given, e.g. in a bench). */
  static forRoot(config: AppConfig, metrics: Metrics = new Metrics()): DynamicModule {
    return {
      module: BillingWorkerModule,
      imports: [
        ConfigModule.forRoot(config),
        MetricsModule.forRoot(metrics),
        DbModule,
        RollupModule,
        InvoicingModule,
      ],
      providers: [
        UsageRollupJob,
        InvoicesRefreshJob,
        InvoicesFinalizeJob,
        // Every job handler of the queue; BillingWorker refuses to start unless each job name has one.
        {
          provide: BILLING_JOB_HANDLERS,
          useFactory: (...handlers: unknown[]) => handlers,
          inject: [UsageRollupJob, InvoicesRefreshJob, InvoicesFinalizeJob],
        },
        BillingWorker,
      ],
    };
  }
}
