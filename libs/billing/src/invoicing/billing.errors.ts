import { DomainError, ErrorKind } from '@streamplane/errors';

export enum BillingErrorCode {
  INVOICE_NOT_FOUND = 'INVOICE_NOT_FOUND',
  NOTIFICATION_NOT_FOUND = 'NOTIFICATION_NOT_FOUND',
}

// A Record over the enum: a new code without a kind does not compile.
const KIND: Record<BillingErrorCode, ErrorKind> = {
  INVOICE_NOT_FOUND: ErrorKind.NOT_FOUND,
  NOTIFICATION_NOT_FOUND: ErrorKind.NOT_FOUND,
};

export class BillingError extends DomainError {
  constructor(code: BillingErrorCode, message: string) {
    super(KIND[code], code, message);
    this.name = 'BillingError';
  }
}

/** The same answer for another organization's invoice as for one that does not exist. */
export function invoiceNotFound(): BillingError {
  return new BillingError(BillingErrorCode.INVOICE_NOT_FOUND, 'No such invoice in this organization.');
}

export function notificationNotFound(): BillingError {
  return new BillingError(
    BillingErrorCode.NOTIFICATION_NOT_FOUND,
    'No such notification in this organization.',
  );
}
