import { Injectable } from '@nestjs/common';
import { InvoicingService, RollupService } from '@streamplane/billing';
import type { BillingJobHandler } from './job-handlers';

/**
 * `invoices.finalize`: finalizes the drafts whose month has ended. It first rolls up whatever is pending, so
 * a final invoice includes every event accepted before it was finalized (later ones go on the next invoice
 * as late usage).
 */
@Injectable()
export class InvoicesFinalizeJob implements BillingJobHandler<'invoices.finalize'> {
  readonly jobName = 'invoices.finalize' as const;

  constructor(
    private readonly rollup: RollupService,
    private readonly invoicing: InvoicingService,
  ) {}

  async handle(_job: unknown, signal: AbortSignal | undefined): Promise<void> {
    await this.rollup.rollUpPending({ signal });
    if (signal?.aborted) return;
    await this.invoicing.finalizeDue(new Date());
  }
}
