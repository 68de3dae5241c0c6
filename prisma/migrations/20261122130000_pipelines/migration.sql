-- Pipelines: streaming pipelines on a deployment (libs/pipelines). Each change to one is an operation of the
-- new type PIPELINE on its deployment (operations.pipeline_id). Names are unique per deployment among
-- pipelines that are not deleted: `live` is true until DELETED and NULL after, and (deployment_id, name,
-- live) is unique (NULLs are distinct), the same device as the operations' one-active lock.

-- AlterEnum
ALTER TYPE "OperationType" ADD VALUE 'PIPELINE';

-- CreateEnum
CREATE TYPE "PipelineStatus" AS ENUM ('DRAFT', 'DEPLOYING', 'RUNNING', 'PAUSING', 'PAUSED', 'RESUMING', 'UPDATING', 'DELETING', 'DELETED', 'FAILED');

-- CreateEnum
CREATE TYPE "PipelineState" AS ENUM ('ACTIVE', 'PAUSED', 'DELETED');

-- AlterTable
ALTER TABLE "operations" ADD COLUMN "pipeline_id" UUID;

-- CreateTable
CREATE TABLE "pipelines" (
    "id" UUID NOT NULL,
    "org_id" UUID NOT NULL,
    "deployment_id" UUID NOT NULL,
    "name" VARCHAR(40) NOT NULL,
    "description" VARCHAR(500),
    "spec" JSONB NOT NULL,
    "generation" INTEGER NOT NULL DEFAULT 1,
    "applied_spec" JSONB,
    "applied_generation" INTEGER NOT NULL DEFAULT 0,
    "desired_state" "PipelineState" NOT NULL DEFAULT 'ACTIVE',
    "applied_state" "PipelineState",
    "status" "PipelineStatus" NOT NULL DEFAULT 'DRAFT',
    "status_message" VARCHAR(2000),
    "delete_topics" BOOLEAN NOT NULL DEFAULT false,
    "live" BOOLEAN DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "deleted_at" TIMESTAMPTZ(3),

    CONSTRAINT "pipelines_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "operations_pipeline_id_idx" ON "operations"("pipeline_id");

-- CreateIndex
CREATE INDEX "pipelines_org_id_idx" ON "pipelines"("org_id");

-- CreateIndex
CREATE UNIQUE INDEX "pipelines_deployment_id_name_live_key" ON "pipelines"("deployment_id", "name", "live");

-- AddForeignKey
ALTER TABLE "operations" ADD CONSTRAINT "operations_pipeline_id_fkey" FOREIGN KEY ("pipeline_id") REFERENCES "pipelines"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "pipelines" ADD CONSTRAINT "pipelines_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "pipelines" ADD CONSTRAINT "pipelines_deployment_id_fkey" FOREIGN KEY ("deployment_id") REFERENCES "deployments"("id") ON DELETE CASCADE ON UPDATE CASCADE;
