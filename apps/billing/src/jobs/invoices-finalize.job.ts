import { Injectable } from '@nestjs/common';
import { InvoicingService, RollupService, type FinalizedInvoice } from '@streamplane/billing';
import { Metrics } from '@streamplane/observability';
import { measuredRollup } from '../metrics/measured-rollup';
import type { BillingJobHandler } from './job-handlers';

/**
 * `invoices.finalize`: finalizes the drafts whose month has ended. It first rolls up whatever is pending, so
 * a final invoice includes every event accepted before it was finalized (later ones go on the next invoice
 * as late usage). Invoices and the credits burned on them are counted as each organization's commit lands.
 */
@Injectable()
export class InvoicesFinalizeJob implements BillingJobHandler<'invoices.finalize'> {
  readonly jobName = 'invoices.finalize' as const;

  constructor(
    private readonly rollup: RollupService,
    private readonly invoicing: InvoicingService,
    private readonly metrics: Metrics,
  ) {}

  async handle(_job: unknown, signal: AbortSignal | undefined): Promise<void> {
    await measuredRollup(this.rollup, this.metrics, signal);
    if (signal?.aborted) return;
    await this.invoicing.finalizeDue(new Date(), { onFinalized: (invoices) => this.count(invoices) });
  }

  private count(invoices: FinalizedInvoice[]): void {
    this.metrics.invoicesFinalized.inc(invoices.length);
    for (const invoice of invoices) {
      // Whole cents fit a double exactly far beyond any invoice.
      if (invoice.creditsBurnedMinor > 0n) {
        this.metrics.creditsBurned.inc({ currency: invoice.currency }, Number(invoice.creditsBurnedMinor));
      }
    }
  }
}
