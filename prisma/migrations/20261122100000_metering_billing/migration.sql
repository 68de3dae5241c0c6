-- Metering and billing: meters and price plans (seeded here), per-deployment agent tokens, usage events
-- (deduplicated on (source, event_id) for good), the hours waiting for a roll-up, hourly roll-ups, credit
-- grants and burns, monthly invoices with their lines (immutable once finalized), and notifications.

-- CreateEnum
CREATE TYPE "MeterAggregation" AS ENUM ('SUM', 'MAX', 'UNIQUE_COUNT', 'LATEST');

-- CreateEnum
CREATE TYPE "InvoiceStatus" AS ENUM ('DRAFT', 'FINALIZED');

-- CreateEnum
CREATE TYPE "NotificationKind" AS ENUM ('LOW_CREDITS', 'CREDITS_EXHAUSTED');

-- CreateTable
CREATE TABLE "meters" (
    "dimension" VARCHAR(64) NOT NULL,
    "display_name" VARCHAR(100) NOT NULL,
    "unit" VARCHAR(32) NOT NULL,
    "aggregation" "MeterAggregation" NOT NULL,
    "description" VARCHAR(500) NOT NULL,

    CONSTRAINT "meters_pkey" PRIMARY KEY ("dimension")
);

-- CreateTable
CREATE TABLE "price_plans" (
    "id" VARCHAR(32) NOT NULL,
    "name" VARCHAR(100) NOT NULL,
    "description" VARCHAR(500) NOT NULL,
    "currency" CHAR(3) NOT NULL DEFAULT 'USD',

    CONSTRAINT "price_plans_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "plan_prices" (
    "plan_id" VARCHAR(32) NOT NULL,
    "dimension" VARCHAR(64) NOT NULL,
    "unit_price_minor" DECIMAL(24,12) NOT NULL,

    CONSTRAINT "plan_prices_pkey" PRIMARY KEY ("plan_id","dimension")
);

-- CreateTable
CREATE TABLE "agent_tokens" (
    "id" UUID NOT NULL,
    "org_id" UUID NOT NULL,
    "deployment_id" UUID NOT NULL,
    "prefix" VARCHAR(32) NOT NULL,
    "secret_hash" CHAR(64) NOT NULL,
    "expires_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),
    "last_used_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "agent_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "usage_events" (
    "id" BIGSERIAL NOT NULL,
    "source" VARCHAR(255) NOT NULL,
    "event_id" VARCHAR(255) NOT NULL,
    "org_id" UUID NOT NULL,
    "deployment_id" UUID NOT NULL,
    "dimension" VARCHAR(64) NOT NULL,
    "value" DECIMAL(38,9) NOT NULL,
    "unique_key" VARCHAR(255),
    "time" TIMESTAMPTZ(3) NOT NULL,
    "hour" TIMESTAMPTZ(3) NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "usage_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "usage_pending_hours" (
    "org_id" UUID NOT NULL,
    "deployment_id" UUID NOT NULL,
    "dimension" VARCHAR(64) NOT NULL,
    "hour" TIMESTAMPTZ(3) NOT NULL,
    "marked_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "usage_pending_hours_pkey" PRIMARY KEY ("deployment_id","dimension","hour")
);

-- CreateTable
CREATE TABLE "usage_hourly" (
    "org_id" UUID NOT NULL,
    "deployment_id" UUID NOT NULL,
    "dimension" VARCHAR(64) NOT NULL,
    "hour" TIMESTAMPTZ(3) NOT NULL,
    "quantity" DECIMAL(38,9) NOT NULL,
    "event_count" INTEGER NOT NULL,
    "rolled_up_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "usage_hourly_pkey" PRIMARY KEY ("deployment_id","dimension","hour")
);

-- CreateTable
CREATE TABLE "credit_grants" (
    "id" UUID NOT NULL,
    "org_id" UUID NOT NULL,
    "amount_minor" BIGINT NOT NULL,
    "reason" VARCHAR(200) NOT NULL,
    "granted_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "credit_grants_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "credit_burns" (
    "id" UUID NOT NULL,
    "grant_id" UUID NOT NULL,
    "invoice_id" UUID NOT NULL,
    "amount_minor" BIGINT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "credit_burns_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "invoices" (
    "id" UUID NOT NULL,
    "org_id" UUID NOT NULL,
    "number" VARCHAR(32),
    "period_start" TIMESTAMPTZ(3) NOT NULL,
    "period_end" TIMESTAMPTZ(3) NOT NULL,
    "status" "InvoiceStatus" NOT NULL DEFAULT 'DRAFT',
    "currency" CHAR(3) NOT NULL DEFAULT 'USD',
    "plan_id" VARCHAR(32) NOT NULL,
    "subtotal_minor" BIGINT NOT NULL DEFAULT 0,
    "credits_applied_minor" BIGINT NOT NULL DEFAULT 0,
    "total_minor" BIGINT NOT NULL DEFAULT 0,
    "computed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finalized_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "invoices_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "invoice_lines" (
    "id" UUID NOT NULL,
    "invoice_id" UUID NOT NULL,
    "deployment_id" UUID NOT NULL,
    "dimension" VARCHAR(64) NOT NULL,
    "usage_period_start" TIMESTAMPTZ(3) NOT NULL,
    "quantity" DECIMAL(38,9) NOT NULL,
    "unit_price_minor" DECIMAL(24,12) NOT NULL,
    "amount_minor" BIGINT NOT NULL,
    "description" VARCHAR(300) NOT NULL,

    CONSTRAINT "invoice_lines_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notifications" (
    "id" UUID NOT NULL,
    "org_id" UUID NOT NULL,
    "kind" "NotificationKind" NOT NULL,
    "dedup_key" VARCHAR(200) NOT NULL,
    "message" VARCHAR(1000) NOT NULL,
    "data" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "read_at" TIMESTAMPTZ(3),

    CONSTRAINT "notifications_pkey" PRIMARY KEY ("id")
);

-- Seed: the meters and the two plans (unit prices in cents). Changing a price is a new migration.
INSERT INTO "meters" ("dimension", "display_name", "unit", "aggregation", "description") VALUES
    ('broker_hours', 'Broker hours', 'broker-hour', 'SUM', 'Kafka broker nodes running, per hour.'),
    ('storage_gb_hours', 'Storage', 'GB-hour', 'SUM', 'Provisioned broker storage, GB per hour.'),
    ('ingress_bytes', 'Ingress', 'byte', 'SUM', 'Bytes produced to the cluster.'),
    ('egress_bytes', 'Egress', 'byte', 'SUM', 'Bytes consumed from the cluster.'),
    ('partition_hours', 'Partition hours', 'partition-hour', 'SUM', 'Topic partitions (leaders) held, per hour.'),
    ('pipeline_hours', 'Pipeline hours', 'pipeline-hour', 'SUM', 'Running pipeline stages, per hour.'),
    ('connected_assets', 'Connected assets', 'asset', 'UNIQUE_COUNT', 'Distinct devices seen by MQTT sources in the period.');

INSERT INTO "price_plans" ("id", "name", "description", "currency") VALUES
    ('free-trial', 'Free trial', 'Pay-as-you-go prices, paid from the sign-up credits only.', 'USD'),
    ('pay-as-you-go', 'Pay as you go', 'Usage billed monthly at these unit prices, after any credits.', 'USD');

INSERT INTO "plan_prices" ("plan_id", "dimension", "unit_price_minor")
SELECT plan.id, price.dimension, price.unit_price_minor
FROM (VALUES ('free-trial'), ('pay-as-you-go')) AS plan(id)
CROSS JOIN (VALUES
    ('broker_hours', 21.0),
    ('storage_gb_hours', 0.0137),
    ('ingress_bytes', 0.000000005),
    ('egress_bytes', 0.000000009),
    ('partition_hours', 0.002),
    ('pipeline_hours', 5.0),
    ('connected_assets', 10.0)
) AS price(dimension, unit_price_minor);

-- AlterTable: every organization is on a plan; existing ones start on the free trial.
ALTER TABLE "organizations" ADD COLUMN "plan_id" VARCHAR(32) NOT NULL DEFAULT 'free-trial';

-- CreateIndex
CREATE UNIQUE INDEX "agent_tokens_prefix_key" ON "agent_tokens"("prefix");

-- CreateIndex
CREATE INDEX "agent_tokens_deployment_id_idx" ON "agent_tokens"("deployment_id");

-- CreateIndex
CREATE INDEX "agent_tokens_org_id_idx" ON "agent_tokens"("org_id");

-- CreateIndex
CREATE INDEX "usage_events_deployment_id_dimension_hour_idx" ON "usage_events"("deployment_id", "dimension", "hour");

-- CreateIndex
CREATE INDEX "usage_events_org_id_hour_idx" ON "usage_events"("org_id", "hour");

-- CreateIndex
CREATE UNIQUE INDEX "usage_events_source_event_id_key" ON "usage_events"("source", "event_id");

-- CreateIndex
CREATE INDEX "usage_pending_hours_marked_at_idx" ON "usage_pending_hours"("marked_at");

-- CreateIndex
CREATE INDEX "usage_hourly_org_id_hour_idx" ON "usage_hourly"("org_id", "hour");

-- CreateIndex
CREATE INDEX "credit_grants_org_id_idx" ON "credit_grants"("org_id");

-- CreateIndex
CREATE INDEX "credit_burns_invoice_id_idx" ON "credit_burns"("invoice_id");

-- CreateIndex
CREATE UNIQUE INDEX "credit_burns_grant_id_invoice_id_key" ON "credit_burns"("grant_id", "invoice_id");

-- CreateIndex
CREATE UNIQUE INDEX "invoices_number_key" ON "invoices"("number");

-- CreateIndex
CREATE INDEX "invoices_status_period_end_idx" ON "invoices"("status", "period_end");

-- CreateIndex
CREATE UNIQUE INDEX "invoices_org_id_period_start_key" ON "invoices"("org_id", "period_start");

-- CreateIndex
CREATE INDEX "invoice_lines_deployment_id_idx" ON "invoice_lines"("deployment_id");

-- CreateIndex
CREATE UNIQUE INDEX "invoice_lines_invoice_id_deployment_id_dimension_usage_peri_key" ON "invoice_lines"("invoice_id", "deployment_id", "dimension", "usage_period_start");

-- CreateIndex
CREATE UNIQUE INDEX "notifications_org_id_dedup_key_key" ON "notifications"("org_id", "dedup_key");

-- AddForeignKey
ALTER TABLE "organizations" ADD CONSTRAINT "organizations_plan_id_fkey" FOREIGN KEY ("plan_id") REFERENCES "price_plans"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "plan_prices" ADD CONSTRAINT "plan_prices_plan_id_fkey" FOREIGN KEY ("plan_id") REFERENCES "price_plans"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "plan_prices" ADD CONSTRAINT "plan_prices_dimension_fkey" FOREIGN KEY ("dimension") REFERENCES "meters"("dimension") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "agent_tokens" ADD CONSTRAINT "agent_tokens_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "agent_tokens" ADD CONSTRAINT "agent_tokens_deployment_id_fkey" FOREIGN KEY ("deployment_id") REFERENCES "deployments"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "usage_events" ADD CONSTRAINT "usage_events_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "usage_events" ADD CONSTRAINT "usage_events_deployment_id_fkey" FOREIGN KEY ("deployment_id") REFERENCES "deployments"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "usage_pending_hours" ADD CONSTRAINT "usage_pending_hours_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "usage_pending_hours" ADD CONSTRAINT "usage_pending_hours_deployment_id_fkey" FOREIGN KEY ("deployment_id") REFERENCES "deployments"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "usage_hourly" ADD CONSTRAINT "usage_hourly_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "usage_hourly" ADD CONSTRAINT "usage_hourly_deployment_id_fkey" FOREIGN KEY ("deployment_id") REFERENCES "deployments"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "credit_grants" ADD CONSTRAINT "credit_grants_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "credit_burns" ADD CONSTRAINT "credit_burns_grant_id_fkey" FOREIGN KEY ("grant_id") REFERENCES "credit_grants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "credit_burns" ADD CONSTRAINT "credit_burns_invoice_id_fkey" FOREIGN KEY ("invoice_id") REFERENCES "invoices"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "invoice_lines" ADD CONSTRAINT "invoice_lines_invoice_id_fkey" FOREIGN KEY ("invoice_id") REFERENCES "invoices"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "invoice_lines" ADD CONSTRAINT "invoice_lines_deployment_id_fkey" FOREIGN KEY ("deployment_id") REFERENCES "deployments"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- A finalized invoice is immutable: its row, its lines and its credit burns cannot change any more (rows
-- may still go when the whole organization is deleted). Application code never tries; this makes sure.
CREATE FUNCTION "refuse_finalized_invoice_change"() RETURNS trigger AS $$
DECLARE
    target_invoice UUID;
BEGIN
    IF TG_TABLE_NAME = 'invoices' THEN
        IF OLD."status" = 'FINALIZED' THEN
            RAISE EXCEPTION 'invoice % is finalized and cannot change', OLD."id" USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END IF;
    target_invoice := CASE WHEN TG_OP = 'DELETE' THEN OLD."invoice_id" ELSE NEW."invoice_id" END;
    IF TG_OP <> 'DELETE' AND EXISTS (SELECT 1 FROM "invoices" WHERE "id" = target_invoice AND "status" = 'FINALIZED') THEN
        RAISE EXCEPTION 'invoice % is finalized and cannot change', target_invoice USING ERRCODE = 'check_violation';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER "invoices_immutable_when_finalized" BEFORE UPDATE ON "invoices"
    FOR EACH ROW EXECUTE FUNCTION "refuse_finalized_invoice_change"();

CREATE TRIGGER "invoice_lines_immutable_when_finalized" BEFORE INSERT OR UPDATE ON "invoice_lines"
    FOR EACH ROW EXECUTE FUNCTION "refuse_finalized_invoice_change"();
