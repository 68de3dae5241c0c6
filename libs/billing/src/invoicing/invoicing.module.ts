import { Module } from '@nestjs/common';
import { AuditModule } from '@streamplane/audit';
import { CreditsModule } from '../credits/credits.module';
import { BillingQueriesService } from '../queries/billing-queries.service';
import { NotificationsService } from '../queries/notifications.service';
import { InvoiceCalculator } from './invoice-calculator';
import { InvoicingService } from './invoicing.service';

/**
 * Credits, invoices and notifications: InvoicingService for the billing worker (refresh and finalize),
 * BillingQueriesService and NotificationsService for the api. Needs ConfigModule and DbModule (global).
 */
@Module({
  imports: [AuditModule, CreditsModule],
  providers: [InvoiceCalculator, InvoicingService, BillingQueriesService, NotificationsService],
  exports: [CreditsModule, InvoicingService, BillingQueriesService, NotificationsService],
})
export class InvoicingModule {}
