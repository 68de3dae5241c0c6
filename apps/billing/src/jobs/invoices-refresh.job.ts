import { Injectable } from '@nestjs/common';
import { InvoicingService } from '@streamplane/billing';
import type { BillingJobHandler } from './job-handlers';

/** `invoices.refresh`: recomputes every organization's draft invoice for the current month. */
@Injectable()
export class InvoicesRefreshJob implements BillingJobHandler<'invoices.refresh'> {
  readonly jobName = 'invoices.refresh' as const;

  constructor(private readonly invoicing: InvoicingService) {}

  async handle(): Promise<void> {
    await this.invoicing.refreshDrafts(new Date());
  }
}
