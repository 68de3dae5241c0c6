-- Deployments: the Kafka deployments of an organization, their operations (one active at a time per
-- deployment: the unique (deployment_id, active) where active is true while QUEUED/RUNNING and NULL after),
-- the resource events of each run, and upgrade proposals.

-- CreateEnum
CREATE TYPE "DeploymentStatus" AS ENUM ('PENDING', 'PROVISIONING', 'RUNNING', 'UPDATING', 'FAILED', 'DESTROYING', 'DESTROYED');

-- CreateEnum
CREATE TYPE "StackEngineKind" AS ENUM ('local', 'pulumi');

-- CreateEnum
CREATE TYPE "KafkaClientAuthentication" AS ENUM ('SCRAM_SHA_512', 'MTLS');

-- CreateEnum
CREATE TYPE "OperationType" AS ENUM ('CREATE', 'UPDATE', 'UPGRADE', 'SCALE', 'DESTROY', 'PREVIEW');

-- CreateEnum
CREATE TYPE "OperationStatus" AS ENUM ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "UpgradeProposalState" AS ENUM ('PROPOSED', 'APPROVED', 'SCHEDULED', 'DONE', 'DECLINED', 'EXPIRED');

-- CreateTable
CREATE TABLE "deployments" (
    "id" UUID NOT NULL,
    "org_id" UUID NOT NULL,
    "cloud_account_id" UUID NOT NULL,
    "name" VARCHAR(40) NOT NULL,
    "cloud" "CloudProvider" NOT NULL,
    "region" VARCHAR(64) NOT NULL,
    "zones" TEXT[],
    "kafka_version" VARCHAR(32) NOT NULL,
    "controllers" INTEGER NOT NULL,
    "brokers" INTEGER NOT NULL,
    "node_size" VARCHAR(64) NOT NULL,
    "storage_per_broker_gib" INTEGER NOT NULL,
    "external_listener" BOOLEAN NOT NULL,
    "client_authentication" "KafkaClientAuthentication" NOT NULL,
    "spec" JSONB NOT NULL,
    "generation" INTEGER NOT NULL DEFAULT 1,
    "observed_generation" INTEGER NOT NULL DEFAULT 0,
    "status" "DeploymentStatus" NOT NULL DEFAULT 'PENDING',
    "engine" "StackEngineKind" NOT NULL,
    "stack_name" VARCHAR(100) NOT NULL,
    "outputs" JSONB NOT NULL DEFAULT '{}',
    "status_message" VARCHAR(2000),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "destroyed_at" TIMESTAMPTZ(3),

    CONSTRAINT "deployments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "operations" (
    "id" UUID NOT NULL,
    "org_id" UUID NOT NULL,
    "deployment_id" UUID NOT NULL,
    "type" "OperationType" NOT NULL,
    "status" "OperationStatus" NOT NULL DEFAULT 'QUEUED',
    "active" BOOLEAN DEFAULT true,
    "generation" INTEGER NOT NULL,
    "attempt" INTEGER NOT NULL DEFAULT 1,
    "retry_of_id" UUID,
    "input" JSONB NOT NULL DEFAULT '{}',
    "requested_by_type" "ActorType" NOT NULL,
    "requested_by_id" UUID,
    "error_code" VARCHAR(64),
    "error_message" VARCHAR(4000),
    "queued_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "not_before" TIMESTAMPTZ(3),
    "enqueued_at" TIMESTAMPTZ(3),
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "cancel_requested_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "operations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "resource_events" (
    "id" BIGSERIAL NOT NULL,
    "operation_id" UUID NOT NULL,
    "deployment_id" UUID NOT NULL,
    "org_id" UUID NOT NULL,
    "sequence" INTEGER NOT NULL,
    "urn" TEXT NOT NULL,
    "type" VARCHAR(255) NOT NULL,
    "name" VARCHAR(255) NOT NULL,
    "operation" VARCHAR(16) NOT NULL,
    "state" VARCHAR(16) NOT NULL,
    "message" VARCHAR(4000),
    "time" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "resource_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "upgrade_proposals" (
    "id" UUID NOT NULL,
    "org_id" UUID NOT NULL,
    "deployment_id" UUID NOT NULL,
    "from_version" VARCHAR(32) NOT NULL,
    "to_version" VARCHAR(32) NOT NULL,
    "state" "UpgradeProposalState" NOT NULL DEFAULT 'PROPOSED',
    "open" BOOLEAN DEFAULT true,
    "window_start" TIMESTAMPTZ(3),
    "window_end" TIMESTAMPTZ(3),
    "decided_by_type" "ActorType",
    "decided_by_id" UUID,
    "decided_at" TIMESTAMPTZ(3),
    "decline_reason" VARCHAR(500),
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "operation_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "upgrade_proposals_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "deployments_stack_name_key" ON "deployments"("stack_name");

-- CreateIndex
CREATE INDEX "deployments_cloud_account_id_idx" ON "deployments"("cloud_account_id");

-- CreateIndex
CREATE UNIQUE INDEX "deployments_org_id_name_key" ON "deployments"("org_id", "name");

-- CreateIndex
CREATE INDEX "operations_deployment_id_queued_at_idx" ON "operations"("deployment_id", "queued_at" DESC);

-- CreateIndex
CREATE INDEX "operations_org_id_idx" ON "operations"("org_id");

-- CreateIndex
CREATE INDEX "operations_status_enqueued_at_idx" ON "operations"("status", "enqueued_at");

-- CreateIndex
CREATE UNIQUE INDEX "operations_deployment_id_active_key" ON "operations"("deployment_id", "active");

-- CreateIndex
CREATE INDEX "resource_events_deployment_id_idx" ON "resource_events"("deployment_id");

-- CreateIndex
CREATE INDEX "resource_events_org_id_idx" ON "resource_events"("org_id");

-- CreateIndex
CREATE UNIQUE INDEX "resource_events_operation_id_sequence_key" ON "resource_events"("operation_id", "sequence");

-- CreateIndex
CREATE UNIQUE INDEX "upgrade_proposals_operation_id_key" ON "upgrade_proposals"("operation_id");

-- CreateIndex
CREATE INDEX "upgrade_proposals_org_id_idx" ON "upgrade_proposals"("org_id");

-- CreateIndex
CREATE UNIQUE INDEX "upgrade_proposals_deployment_id_open_key" ON "upgrade_proposals"("deployment_id", "open");

-- AddForeignKey
ALTER TABLE "deployments" ADD CONSTRAINT "deployments_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "deployments" ADD CONSTRAINT "deployments_cloud_account_id_fkey" FOREIGN KEY ("cloud_account_id") REFERENCES "cloud_accounts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "operations" ADD CONSTRAINT "operations_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "operations" ADD CONSTRAINT "operations_deployment_id_fkey" FOREIGN KEY ("deployment_id") REFERENCES "deployments"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "resource_events" ADD CONSTRAINT "resource_events_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "resource_events" ADD CONSTRAINT "resource_events_deployment_id_fkey" FOREIGN KEY ("deployment_id") REFERENCES "deployments"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "resource_events" ADD CONSTRAINT "resource_events_operation_id_fkey" FOREIGN KEY ("operation_id") REFERENCES "operations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "upgrade_proposals" ADD CONSTRAINT "upgrade_proposals_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "upgrade_proposals" ADD CONSTRAINT "upgrade_proposals_deployment_id_fkey" FOREIGN KEY ("deployment_id") REFERENCES "deployments"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "upgrade_proposals" ADD CONSTRAINT "upgrade_proposals_operation_id_fkey" FOREIGN KEY ("operation_id") REFERENCES "operations"("id") ON DELETE SET NULL ON UPDATE CASCADE;
