import { buildInvoiceLines, subtotalOf, type InvoiceLineInput } from './invoice-lines';

const october = new Date('2026-10-01T00:00:00Z');
const november = new Date('2026-11-01T00:00:00Z');
const prices = new Map([
  ['broker_hours', '21'],
  ['ingress_bytes', '0.000000005'],
]);

function input(overrides: Partial<InvoiceLineInput> = {}): InvoiceLineInput {
  return {
    periodStart: november,
    usage: [],
    prices,
    lateMonths: [],
    meters: new Map([
      ['broker_hours', { displayName: 'Broker hours', unit: 'broker-hour' }],
      ['ingress_bytes', { displayName: 'Ingress', unit: 'byte' }],
    ]),
    deploymentNames: new Map([
      ['d1', 'alpha'],
      ['d2', 'beta'],
    ]),
    ...overrides,
  };
}

describe('invoice lines', () => {
  it('one line per deployment and dimension, amounts rounded per line, the subtotal their exact sum', () => {
    const lines = buildInvoiceLines(
      input({
        usage: [
          { deploymentId: 'd2', dimension: 'ingress_bytes', quantity: '300000000.000000000' }, // 1.5 → 2
          { deploymentId: 'd1', dimension: 'ingress_bytes', quantity: '300000000' }, // 1.5 → 2
          { deploymentId: 'd1', dimension: 'broker_hours', quantity: '2160.000000000' },
          { deploymentId: 'd1', dimension: 'unpriced_dimension', quantity: '5' },
        ],
      }),
    );
    expect(
      lines.map((l) => [l.deploymentId, l.dimension, l.quantity, l.unitPriceMinor, l.amountMinor]),
    ).toEqual([
      ['d1', 'broker_hours', '2160', '21', 45_360n],
      ['d1', 'ingress_bytes', '300000000', '0.000000005', 2n],
      ['d2', 'ingress_bytes', '300000000', '0.000000005', 2n],
    ]);
    expect(lines.every((l) => !l.late && l.usagePeriodStart === november)).toBe(true);
    expect(lines[0].description).toBe('Broker hours, deployment alpha');
    // Rounded per line (2 + 2), not over the total (600,000,000 bytes = 3 cents exactly).
    expect(subtotalOf(lines)).toBe(45_364n);
  });

  it('bills the change of a finalized month since it was invoiced as late usage, stated on the line', () => {
    const lines = buildInvoiceLines(
      input({
        usage: [{ deploymentId: 'd1', dimension: 'broker_hours', quantity: '10' }],
        lateMonths: [
          {
            periodStart: october,
            usage: [
              { deploymentId: 'd1', dimension: 'broker_hours', quantity: '744' },
              { deploymentId: 'd2', dimension: 'broker_hours', quantity: '3' },
              { deploymentId: 'd2', dimension: 'ingress_bytes', quantity: '7' },
            ],
            billed: [
              { deploymentId: 'd1', dimension: 'broker_hours', quantity: '740' },
              { deploymentId: 'd2', dimension: 'ingress_bytes', quantity: '5' },
              { deploymentId: 'd2', dimension: 'ingress_bytes', quantity: '2' }, // a late line billed earlier
            ],
            prices: new Map([['broker_hours', '20']]),
          },
        ],
      }),
    );
    expect(
      lines.map((l) => [l.deploymentId, l.late, l.usagePeriodStart.toISOString(), l.quantity, l.amountMinor]),
    ).toEqual([
      ['d1', false, november.toISOString(), '10', 210n],
      ['d1', true, october.toISOString(), '4', 80n], // at October's plan price
      ['d2', true, october.toISOString(), '3', 60n],
    ]);
    expect(lines[1].description).toBe('Broker hours, deployment alpha: late usage for October 2026');
  });

  it('states a decrease (a MAX or LATEST meter) as a correction', () => {
    const lines = buildInvoiceLines(
      input({
        lateMonths: [
          {
            periodStart: october,
            usage: [{ deploymentId: 'd1', dimension: 'broker_hours', quantity: '2.5' }],
            billed: [{ deploymentId: 'd1', dimension: 'broker_hours', quantity: '5' }],
            prices,
          },
        ],
      }),
    );
    expect(lines.map((l) => [l.quantity, l.amountMinor, l.description])).toEqual([
      ['-2.5', -53n, 'Broker hours, deployment alpha: late usage for October 2026 (correction)'],
    ]);
  });
});
