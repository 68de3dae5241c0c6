-- Cloud accounts: the customer's AWS accounts and Azure subscriptions that Streamplane deploys into.

-- CreateEnum
CREATE TYPE "CloudProvider" AS ENUM ('AWS', 'AZURE');

-- CreateEnum
CREATE TYPE "CloudAccountStatus" AS ENUM ('PENDING', 'VERIFIED', 'FAILED');

-- CreateTable
CREATE TABLE "cloud_accounts" (
    "id" UUID NOT NULL,
    "org_id" UUID NOT NULL,
    "provider" "CloudProvider" NOT NULL,
    "name" VARCHAR(100) NOT NULL,
    "allowed_regions" TEXT[],
    "aws_account_id" CHAR(12),
    "aws_role_arn" VARCHAR(2048),
    "aws_external_id" VARCHAR(96),
    "azure_tenant_id" UUID,
    "azure_client_id" UUID,
    "azure_subscription_id" UUID,
    "azure_resource_group" VARCHAR(90),
    "secret_ciphertext" BYTEA,
    "secret_key_id" VARCHAR(32),
    "status" "CloudAccountStatus" NOT NULL DEFAULT 'PENDING',
    "verification_simulated" BOOLEAN NOT NULL DEFAULT false,
    "checked_at" TIMESTAMPTZ(3),
    "verified_at" TIMESTAMPTZ(3),
    "failure_code" VARCHAR(64),
    "failure_reason" VARCHAR(1000),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "cloud_accounts_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "cloud_accounts_aws_external_id_key" ON "cloud_accounts"("aws_external_id");

-- CreateIndex
CREATE INDEX "cloud_accounts_secret_key_id_idx" ON "cloud_accounts"("secret_key_id");

-- CreateIndex
CREATE UNIQUE INDEX "cloud_accounts_org_id_name_key" ON "cloud_accounts"("org_id", "name");

-- AddForeignKey
ALTER TABLE "cloud_accounts" ADD CONSTRAINT "cloud_accounts_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
