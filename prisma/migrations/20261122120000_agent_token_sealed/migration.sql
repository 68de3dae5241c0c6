-- Agent tokens sealed for the provisioner: besides the SHA-256 that authenticates a token, the current token
-- of a deployment is kept sealed under the credentials keyring (AES-256-GCM; version byte, IV, tag and
-- ciphertext, bound to its row by the associated data), so every run of the stack hands the cluster the
-- token it already has. Cleared when the token is rotated out or revoked; tokens issued before this
-- migration have none (the next run issues a sealed one).

-- AlterTable
ALTER TABLE "agent_tokens" ADD COLUMN "token_ciphertext" BYTEA,
ADD COLUMN "token_key_id" VARCHAR(32);

-- CreateIndex
CREATE INDEX "agent_tokens_token_key_id_idx" ON "agent_tokens"("token_key_id");
