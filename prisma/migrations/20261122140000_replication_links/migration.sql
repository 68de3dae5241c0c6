-- Replication links: MirrorMaker 2 between two deployments of one organization (libs/replication). Each
-- change to a link is an operation of the new type REPLICATION on each deployment it touches
-- (operations.replication_link_id). One live link per unordered pair of deployments: `pair_key` is the two
-- ids sorted and joined, `live` is true until DELETED and NULL after, and (pair_key, live) is unique (NULLs
-- are distinct), the same device as the pipelines' names.

-- AlterEnum
ALTER TYPE "OperationType" ADD VALUE 'REPLICATION';

-- CreateEnum
CREATE TYPE "ReplicationMode" AS ENUM ('ONE_WAY', 'TWO_WAY');

-- CreateEnum
CREATE TYPE "ReplicationTopicNaming" AS ENUM ('PREFIXED', 'IDENTITY');

-- CreateEnum
CREATE TYPE "ReplicationLinkStatus" AS ENUM ('CREATING', 'ACTIVE', 'UPDATING', 'FAILING_OVER', 'FAILED_OVER', 'FAILING_BACK', 'DELETING', 'DELETED', 'FAILED');

-- AlterTable
ALTER TABLE "operations" ADD COLUMN "replication_link_id" UUID;

-- CreateTable
CREATE TABLE "replication_links" (
    "id" UUID NOT NULL,
    "org_id" UUID NOT NULL,
    "source_deployment_id" UUID NOT NULL,
    "target_deployment_id" UUID NOT NULL,
    "pair_key" VARCHAR(73) NOT NULL,
    "mode" "ReplicationMode" NOT NULL,
    "topic_naming" "ReplicationTopicNaming" NOT NULL,
    "spec" JSONB NOT NULL,
    "generation" INTEGER NOT NULL DEFAULT 1,
    "applied" JSONB NOT NULL DEFAULT '{}',
    "status" "ReplicationLinkStatus" NOT NULL DEFAULT 'CREATING',
    "status_message" VARCHAR(2000),
    "active_deployment_id" UUID NOT NULL,
    "source_password_ciphertext" BYTEA NOT NULL,
    "source_password_key_id" VARCHAR(32) NOT NULL,
    "target_password_ciphertext" BYTEA NOT NULL,
    "target_password_key_id" VARCHAR(32) NOT NULL,
    "steps" JSONB NOT NULL DEFAULT '[]',
    "live" BOOLEAN DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "deleted_at" TIMESTAMPTZ(3),

    CONSTRAINT "replication_links_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "operations_replication_link_id_idx" ON "operations"("replication_link_id");

-- CreateIndex
CREATE INDEX "replication_links_org_id_idx" ON "replication_links"("org_id");

-- CreateIndex
CREATE INDEX "replication_links_source_deployment_id_idx" ON "replication_links"("source_deployment_id");

-- CreateIndex
CREATE INDEX "replication_links_target_deployment_id_idx" ON "replication_links"("target_deployment_id");

-- CreateIndex
CREATE INDEX "replication_links_source_password_key_id_idx" ON "replication_links"("source_password_key_id");

-- CreateIndex
CREATE INDEX "replication_links_target_password_key_id_idx" ON "replication_links"("target_password_key_id");

-- CreateIndex
CREATE UNIQUE INDEX "replication_links_pair_key_live_key" ON "replication_links"("pair_key", "live");

-- AddForeignKey
ALTER TABLE "operations" ADD CONSTRAINT "operations_replication_link_id_fkey" FOREIGN KEY ("replication_link_id") REFERENCES "replication_links"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "replication_links" ADD CONSTRAINT "replication_links_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "replication_links" ADD CONSTRAINT "replication_links_source_deployment_id_fkey" FOREIGN KEY ("source_deployment_id") REFERENCES "deployments"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "replication_links" ADD CONSTRAINT "replication_links_target_deployment_id_fkey" FOREIGN KEY ("target_deployment_id") REFERENCES "deployments"("id") ON DELETE CASCADE ON UPDATE CASCADE;
