import { addMonthsUtc, billingPeriodOf } from '@streamplane/billing';
import { randomUUID } from 'node:crypto';
import { setUpBilling, writeHourlyUsage, type BillingFixtures } from './billing-fixtures';
import {
  connectAwsAccount,
  createToken,
  joinAs,
  runningDeployment,
  verifyCloudAccount,
  type Joined,
} from './fixtures';
import { describeResult, expectOk, signupBody, startTestApi, wholeDatabase } from './harness';
import type { ApiClient, GqlResult, SignedUp, TestApi } from './harness';

/**
 * Credits, invoices and notifications through the api: the sign-up grant, who may see what, the shapes of
 * money, and organizations kept apart.
 */

const MONEY = '{ minor amount currency }';
const ESTIMATE = `{ currentPeriodEstimate { periodStart periodEnd planId pendingHours computedAt
  subtotal ${MONEY} creditsApplied ${MONEY} total ${MONEY}
  lines { deploymentId deploymentName dimension dimensionName unit usagePeriodStart late quantity unitPriceMinor amount ${MONEY} description } } }`;
const BALANCE = `{ creditBalance { granted ${MONEY} used ${MONEY} remaining ${MONEY} expired ${MONEY} nextExpiry
  grants { id reason grantedAt expiresAt expired amount ${MONEY} burned ${MONEY} projected ${MONEY} remaining ${MONEY} } } }`;
const INVOICES = `query($first: Int, $after: String, $status: InvoiceStatus) {
  invoices(first: $first, after: $after, status: $status) {
    nextCursor items { id number status periodStart periodEnd total ${MONEY} } } }`;
const INVOICE = `query($id: ID!) { invoice(invoiceId: $id) {
  id number status periodStart periodEnd planId finalizedAt computedAt
  subtotal ${MONEY} creditsApplied ${MONEY} total ${MONEY}
  lines { deploymentId deploymentName dimension dimensionName unit usagePeriodStart late quantity unitPriceMinor amount ${MONEY} description } } }`;
const NOTIFICATIONS = '{ notifications { id kind message data createdAt readAt } }';
const MARK_READ = 'mutation($id: ID!) { markNotificationRead(notificationId: $id) { id readAt } }';
const PLAN =
  '{ pricePlan { id name currency prices { dimension dimensionName unit unitPriceMinor unitPrice } } }';

function errorsOf(result: GqlResult) {
  return (result.errors ?? []).map((e) => ({ code: e.extensions.code, reason: e.extensions.reason }));
}

describe('billing API', () => {
  let api: TestApi;
  let owner: ApiClient;
  let orgA: SignedUp;
  let admin: Joined;
  let member: Joined;
  let viewer: Joined;
  let readToken: ApiClient;
  let deployment: { id: string; name: string };
  let billing: BillingFixtures;

  beforeAll(async () => {
    api = await startTestApi();
    owner = api.client();
    orgA = await owner.signup({ organizationName: `Billing ${randomUUID().slice(0, 8)}` });
    admin = await joinAs(api, owner, orgA.organization.id, 'ADMIN');
    member = await joinAs(api, owner, orgA.organization.id, 'MEMBER');
    viewer = await joinAs(api, owner, orgA.organization.id, 'VIEWER');
    readToken = api.client().withBearer((await createToken(admin.client, ['READ'])).secret);
    const account = await connectAwsAccount(owner);
    await verifyCloudAccount(owner, account.id);
    deployment = await runningDeployment(api, owner, account.id);
    billing = await setUpBilling(api, orgA.organization.id, deployment.id);
  });

  afterAll(async () => {
    await api?.close();
  });

  describe('sign-up credits', () => {
    it('signing up grants the new organization $200 of credits, expiring in 12 months, audited', async () => {
      const before = new Date();
      const client = api.client();
      const signedUp = await client.signup();
      const after = new Date();
      const grants = await api.prisma.creditGrant.findMany({ where: { orgId: signedUp.organization.id } });
      expect(grants).toHaveLength(1);
      const [grant] = grants;
      expect(grant.amountMinor).toBe(20_000n);
      expect(grant.grantedAt.getTime()).toBeGreaterThanOrEqual(before.getTime() - 1);
      expect(grant.grantedAt.getTime()).toBeLessThanOrEqual(after.getTime());
      expect(grant.expiresAt).toEqual(addMonthsUtc(grant.grantedAt, 12));
      const audit = await api.prisma.auditLog.findMany({
        where: { orgId: signedUp.organization.id, action: 'credits.grant' },
      });
      expect(audit).toEqual([
        expect.objectContaining({ actorId: signedUp.user.id, targetType: 'CreditGrant', targetId: grant.id }),
      ]);

      const balance = expectOk(await client.gql(BALANCE), 'creditBalance').creditBalance;
      expect(balance).toMatchObject({
        granted: { minor: '20000', amount: '200.00', currency: 'USD' },
        used: { minor: '0', amount: '0.00' },
        remaining: { minor: '20000', amount: '200.00' },
        expired: { minor: '0' },
        nextExpiry: grant.expiresAt.toISOString(),
        grants: [
          {
            id: grant.id,
            reason: 'Sign-up credits',
            expired: false,
            expiresAt: grant.expiresAt.toISOString(),
          },
        ],
      });
    });

    it('a refused sign-up grants nothing', async () => {
      const body = signupBody();
      await api.client().signup(body);
      const grantsBefore = await api.prisma.creditGrant.count();
      const again = await api.client().post('/v1/auth/signup', { ...body, organizationName: 'Second try' });
      expect(again.status).toBe(409);
      expect(await api.prisma.creditGrant.count()).toBe(grantsBefore);
    });
  });

  describe('roles', () => {
    it('every member, a VIEWER and a READ token included, reads the estimate, credits, prices and notifications', async () => {
      for (const client of [viewer.client, readToken, member.client, admin.client, owner]) {
        for (const query of [ESTIMATE, BALANCE, PLAN, NOTIFICATIONS]) {
          const result = await client.gql(query);
          expect({ query, errors: result.errors }).toEqual({ query, errors: undefined });
        }
      }
    });

    it('only ADMIN and OWNER see invoices', async () => {
      for (const client of [viewer.client, readToken, member.client]) {
        for (const [query, variables] of [
          [INVOICES, {}],
          [INVOICE, { id: billing.invoiceId }],
        ] as const) {
          const result = await client.gql(query, variables);
          expect(errorsOf(result)).toEqual([{ code: 'FORBIDDEN', reason: 'INSUFFICIENT_ROLE' }]);
          expect(result.data ?? null).toBeNull();
        }
      }
      for (const client of [admin.client, owner]) {
        expectOk(await client.gql(INVOICES), 'invoices');
        expectOk(await client.gql(INVOICE, { id: billing.invoiceId }), 'invoice');
      }
    });

    it('a VIEWER cannot mark notifications read; a MEMBER can, once, audited', async () => {
      const refused = await viewer.client.gql(MARK_READ, { id: billing.notificationId });
      expect(errorsOf(refused)).toEqual([{ code: 'FORBIDDEN', reason: 'INSUFFICIENT_ROLE' }]);

      const listed = expectOk(await viewer.client.gql(NOTIFICATIONS), 'notifications').notifications;
      expect(listed).toEqual([
        expect.objectContaining({
          id: billing.notificationId,
          kind: 'LOW_CREDITS',
          readAt: null,
          message: expect.stringContaining('11.00 USD of 200.00 USD left'),
          data: expect.objectContaining({
            remainingMinor: '1100',
            amountMinor: '20000',
            thresholdPercent: 25,
          }),
        }),
      ]);

      const read = expectOk(await member.client.gql(MARK_READ, { id: billing.notificationId }), 'mark read');
      expect(read.markNotificationRead.readAt).toEqual(expect.any(String));
      const again = expectOk(await member.client.gql(MARK_READ, { id: billing.notificationId }), 'again');
      expect(again.markNotificationRead.readAt).toBe(read.markNotificationRead.readAt);
      const audit = await api.prisma.auditLog.findMany({
        where: { orgId: orgA.organization.id, action: 'notification.read' },
      });
      expect(audit).toEqual([
        expect.objectContaining({ actorId: member.signedUp.user.id, targetId: billing.notificationId }),
      ]);
    });
  });

  describe('what the api shows', () => {
    it('the estimate is this month so far, itemised, with exact money, credits applied', async () => {
      const estimate = expectOk(await viewer.client.gql(ESTIMATE), 'estimate').currentPeriodEstimate;
      const period = billingPeriodOf(new Date());
      expect(estimate).toMatchObject({
        periodStart: period.start.toISOString(),
        periodEnd: period.end.toISOString(),
        planId: 'free-trial',
        pendingHours: 0,
        subtotal: { minor: '16800', amount: '168.00', currency: 'USD' },
        creditsApplied: { minor: '16800', amount: '168.00' },
        total: { minor: '0', amount: '0.00' },
        lines: [
          {
            deploymentId: deployment.id,
            deploymentName: deployment.name,
            dimension: 'broker_hours',
            dimensionName: 'Broker hours',
            unit: 'broker-hour',
            usagePeriodStart: period.start.toISOString(),
            late: false,
            quantity: '800',
            unitPriceMinor: '21',
            amount: { minor: '16800', amount: '168.00', currency: 'USD' },
            description: `Broker hours, deployment ${deployment.name}`,
          },
        ],
      });
      // Nothing is written by asking.
      const before = await wholeDatabase(api.prisma);
      await viewer.client.gql(ESTIMATE);
      await viewer.client.gql(BALANCE);
      expect(await wholeDatabase(api.prisma)).toEqual(before);
    });

    it('the credit balance: granted = used (finalized burns + this month’s projection) + remaining', async () => {
      const balance = expectOk(await viewer.client.gql(BALANCE), 'balance').creditBalance;
      expect(balance).toMatchObject({
        granted: { minor: '20000' },
        used: { minor: '18900', amount: '189.00' },
        remaining: { minor: '1100', amount: '11.00' },
        expired: { minor: '0' },
        grants: [
          {
            burned: { minor: '2100' },
            projected: { minor: '16800' },
            remaining: { minor: '1100' },
            expired: false,
          },
        ],
      });
    });

    it('invoices, newest month first and paginated; an invoice with its lines summing to its subtotal', async () => {
      const first = expectOk(await admin.client.gql(INVOICES, { first: 1 }), 'page 1').invoices;
      expect(first.items).toEqual([
        expect.objectContaining({ id: billing.draftId, status: 'DRAFT', number: null }),
      ]);
      expect(first.nextCursor).toEqual(expect.any(String));
      const second = expectOk(
        await admin.client.gql(INVOICES, { first: 1, after: first.nextCursor }),
        'page 2',
      ).invoices;
      expect(second).toEqual({
        items: [
          expect.objectContaining({
            id: billing.invoiceId,
            status: 'FINALIZED',
            number: billing.invoiceNumber,
            total: { minor: '0', amount: '0.00', currency: 'USD' },
          }),
        ],
        nextCursor: null,
      });
      const finalizedOnly = expectOk(await admin.client.gql(INVOICES, { status: 'FINALIZED' }), 'finalized');
      expect(finalizedOnly.invoices.items.map((i: any) => i.id)).toEqual([billing.invoiceId]);

      const invoice = expectOk(await admin.client.gql(INVOICE, { id: billing.invoiceId }), 'invoice').invoice;
      expect(invoice).toMatchObject({
        number: expect.stringMatching(/^SP-\d{6}-\d{6}$/),
        status: 'FINALIZED',
        subtotal: { minor: '2100', amount: '21.00' },
        creditsApplied: { minor: '2100' },
        total: { minor: '0' },
        lines: [
          {
            dimension: 'broker_hours',
            quantity: '100',
            unitPriceMinor: '21',
            amount: { minor: '2100' },
            late: false,
          },
        ],
      });
      const sum = invoice.lines.reduce((total: bigint, l: any) => total + BigInt(l.amount.minor), 0n);
      expect(sum.toString()).toBe(invoice.subtotal.minor);
    });

    it('the plan’s unit prices, exact in cents and in dollars', async () => {
      const plan = expectOk(await viewer.client.gql(PLAN), 'plan').pricePlan;
      expect(plan).toMatchObject({ id: 'free-trial', currency: 'USD' });
      expect(plan.prices).toEqual(
        expect.arrayContaining([
          {
            dimension: 'broker_hours',
            dimensionName: 'Broker hours',
            unit: 'broker-hour',
            unitPriceMinor: '21',
            unitPrice: '0.21',
          },
          {
            dimension: 'ingress_bytes',
            dimensionName: 'Ingress',
            unit: 'byte',
            unitPriceMinor: '0.000000005',
            unitPrice: '0.00000000005',
          },
        ]),
      );
    });

    it('refuses malformed input with BAD_USER_INPUT and writes nothing', async () => {
      const before = await wholeDatabase(api.prisma);
      for (const [query, variables] of [
        [INVOICE, { id: 'not-a-uuid' }],
        [INVOICES, { after: 'yesterday' }],
        [INVOICES, { first: 1000 }],
        [MARK_READ, { id: 'not-a-uuid' }],
      ] as const) {
        const result = await owner.gql(query, variables);
        expect({ query, variables, errors: errorsOf(result) }).toEqual({
          query,
          variables,
          errors: [{ code: 'BAD_USER_INPUT', reason: 'INVALID_INPUT' }],
        });
      }
      expect(await wholeDatabase(api.prisma)).toEqual(before);
    });
  });

  describe('organizations are kept apart', () => {
    let ownerB: ApiClient;

    beforeAll(async () => {
      ownerB = api.client();
      await ownerB.signup({ organizationName: `Other ${randomUUID().slice(0, 8)}` });
    });

    it("another organization's invoice or notification is answered exactly like a random id", async () => {
      for (const [query, known] of [
        [INVOICE, billing.invoiceId],
        [INVOICE, billing.draftId],
        [MARK_READ, billing.notificationId],
      ] as const) {
        const before = await wholeDatabase(api.prisma);
        const foreign = await ownerB.gql(query, { id: known });
        const random = await ownerB.gql(query, { id: randomUUID() });
        expect(await wholeDatabase(api.prisma)).toEqual(before);
        const shape = (r: GqlResult) => ({
          data: r.data ?? null,
          errors: r.errors?.map((e) => ({
            message: e.message,
            code: e.extensions.code,
            reason: e.extensions.reason,
          })),
        });
        expect(shape(foreign)).toEqual(shape(random));
        expect(errorsOf(foreign)).toEqual([
          { code: 'NOT_FOUND', reason: expect.stringMatching(/_NOT_FOUND$/) },
        ]);
      }
    });

    it("B's estimate, credits, invoices and notifications hold nothing of A", async () => {
      // B's own usage, so that its answers are not simply empty.
      const account = await connectAwsAccount(ownerB);
      await verifyCloudAccount(ownerB, account.id);
      const deploymentB = await runningDeployment(api, ownerB, account.id);
      const orgB = await api.prisma.deployment.findUniqueOrThrow({ where: { id: deploymentB.id } });
      await writeHourlyUsage(
        api,
        orgB.orgId,
        deploymentB.id,
        'pipeline_hours',
        billingPeriodOf(new Date()).start,
        '2',
      );

      const answers = [];
      for (const query of [ESTIMATE, BALANCE, INVOICES, NOTIFICATIONS]) {
        const result = await ownerB.gql(query);
        if (result.errors) throw new Error(describeResult(result));
        answers.push(result.data);
      }
      const text = JSON.stringify(answers);
      for (const secret of [
        orgA.organization.id,
        deployment.id,
        deployment.name,
        billing.invoiceId,
        billing.invoiceNumber,
        billing.draftId,
        billing.notificationId,
        ...billing.grantIds,
      ]) {
        expect(text).not.toContain(secret);
      }
      expect(text).toContain(deploymentB.name);
      expect(answers[0].currentPeriodEstimate.subtotal.minor).toBe('10'); // 2 pipeline-hours at 5 cents
    });
  });
});
