-- Kafka upgrade runs: a proposal whose maintenance window ended before the upgrade could start is FAILED
-- (and closed, so a new one can be made); the end of an upgrade's first phase is recorded so a resumed run
-- never moves the KRaft metadata version back.

-- AlterEnum
ALTER TYPE "UpgradeProposalState" ADD VALUE 'FAILED';

-- AlterTable
ALTER TABLE "upgrade_proposals" ADD COLUMN "brokers_rolled_at" TIMESTAMPTZ(3);
