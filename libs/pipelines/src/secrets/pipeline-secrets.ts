import type { CredentialCipher } from '@streamplane/secrets';
import { PipelineError, PipelineErrorCode as Code } from '../pipelines.errors';
import type { PipelineSpec, PipelineStageSpec } from '../spec/pipeline-spec';
import { SECRET_OPTIONS } from '../spec/stage-catalog';

/** A secret as stored inside a pipeline's spec: sealed under the credentials keyring, bound to its place. */
export interface SealedOption {
  sealed: string;
  keyId: string;
}

/** What the API shows instead of a secret, and what a client sends back to keep it. */
export const SECRET_SET = { set: true } as const;

/** The cipher's associated data: the pipeline, the stage and the option the secret belongs to. */
export function pipelineSecretContext(pipelineId: string, stage: string, option: string): string {
  return `streamplane/pipeline/${pipelineId}/${stage}/${option}`;
}

function isSealed(value: unknown): value is SealedOption {
  return typeof value === 'object' && value !== null && 'sealed' in value && 'keyId' in value;
}

function isKeep(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as { set?: unknown }).set === true;
}

/** Each secret of a stage: its option path (`password`, `headers.Authorization`), value, and a setter. */
function secretsOf(stage: PipelineStageSpec): { path: string; value: unknown; set(value: unknown): void }[] {
  const found: { path: string; value: unknown; set(value: unknown): void }[] = [];
  for (const option of SECRET_OPTIONS[stage.kind]) {
    if (option.endsWith('.*')) {
      const name = option.slice(0, -2);
      const record = stage.options[name] as Record<string, unknown> | undefined;
      for (const key of Object.keys(record ?? {})) {
        found.push({ path: `${name}.${key}`, value: record![key], set: (value) => (record![key] = value) });
      }
    } else if (stage.options[option] !== undefined) {
      found.push({
        path: option,
        value: stage.options[option],
        set: (value) => (stage.options[option] = value),
      });
    }
  }
  return found;
}

function copyOf(spec: PipelineSpec): PipelineSpec {
  return JSON.parse(JSON.stringify(spec)) as PipelineSpec;
}

/**
 * Seals every secret the client sent as plain text; `{ set: true }` keeps the value stored for the same
 * option of the same stage (same name and kind) in `previous`. A sealed value from a client is refused:
 * only this library produces them.
 */
export function sealSecrets(
  spec: PipelineSpec,
  pipelineId: string,
  cipher: CredentialCipher,
  previous?: PipelineSpec,
): PipelineSpec {
  const sealed = copyOf(spec);
  sealed.stages.forEach((stage, index) => {
    const before = previous?.stages.find((s) => s.name === stage.name && s.kind === stage.kind);
    const stored = new Map(before ? secretsOf(before).map((s) => [s.path, s.value]) : []);
    for (const secret of secretsOf(stage)) {
      const field = `stages.${index}.options.${secret.path}`;
      if (typeof secret.value === 'string') {
        const { ciphertext, keyId } = cipher.encrypt(
          secret.value,
          pipelineSecretContext(pipelineId, stage.name, secret.path),
        );
        secret.set({ sealed: Buffer.from(ciphertext).toString('base64'), keyId } satisfies SealedOption);
      } else if (isKeep(secret.value) && isSealed(stored.get(secret.path))) {
        secret.set(stored.get(secret.path));
      } else {
        throw new PipelineError(
          Code.INVALID_PIPELINE,
          `${field}: give the secret's value (there is no stored one to keep).`,
          [{ field, message: 'needs a value' }],
        );
      }
    }
  });
  return sealed;
}

/** The spec as the API shows it: every secret replaced by `{ set: true }`. */
export function redactSecrets(spec: PipelineSpec): PipelineSpec {
  const redacted = copyOf(spec);
  for (const stage of redacted.stages) for (const secret of secretsOf(stage)) secret.set({ ...SECRET_SET });
  return redacted;
}

/** Environment variable a stage runner reads a secret from (`headers.X-Api-Key` → SP_SECRET_HEADERS_X_API_KEY). */
export function secretEnvName(path: string): string {
  return `SP_SECRET_${path.replace(/[^A-Za-z0-9]/g, '_').toUpperCase()}`;
}

/**
 * A stage's options split for its runner: `config` with each secret replaced by `{ env: NAME }`, and
 * `secretEnv` with the opened values (or placeholders when `cipher` is absent: a preview opens nothing).
 */
export function stageRunnerSettings(
  stage: PipelineStageSpec,
  pipelineId: string,
  cipher: CredentialCipher | undefined,
): { config: Record<string, unknown>; secretEnv: Record<string, string> } {
  const copy = JSON.parse(JSON.stringify(stage)) as PipelineStageSpec;
  const secretEnv: Record<string, string> = {};
  for (const secret of secretsOf(copy)) {
    const env = secretEnvName(secret.path);
    if (cipher && isSealed(secret.value)) {
      secretEnv[env] = cipher.decrypt(
        { ciphertext: Buffer.from(secret.value.sealed, 'base64'), keyId: secret.value.keyId },
        pipelineSecretContext(pipelineId, stage.name, secret.path),
      );
    } else {
      secretEnv[env] = 'preview-only-not-a-secret';
    }
    secret.set({ env });
  }
  return { config: copy.options, secretEnv };
}
