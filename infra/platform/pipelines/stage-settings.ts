import { createHash } from 'node:crypto';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type { PipelineStageWorkload } from '../../types';
import { stageConfigMapName, stageSecretName } from './names';
import { STAGE_PATHS } from './stage-runner-contract';

export interface StageSettings {
  configMap: k8s.core.v1.ConfigMap;
  /** Only when the stage has secret settings. */
  secret?: k8s.core.v1.Secret;
  /** Secret setting names, each an environment variable of the runner read from `secret`. */
  secretKeys: string[];
  /**
   * Changes whenever a setting changes, for the pod template's annotations: a mounted ConfigMap or a Secret
   * read into variables does not restart running pods, a changed template rolls them.
   */
  revision: pulumi.Output<string>;
}

/**
 * The stage's settings: a ConfigMap with its config as JSON (mounted as a file) and, only when it has
 * any, a Secret with its secret settings (connection strings, webhook credentials).
 */
export function stageSettings(
  name: string,
  args: {
    base: string;
    namespace: pulumi.Input<string>;
    labels: Record<string, string>;
    stage: PipelineStageWorkload;
    /** Further plain entries (KEDA's connection settings). */
    extraData?: Record<string, string>;
  },
  opts: pulumi.CustomResourceOptions,
): StageSettings {
  const json = stableJson(args.stage.config);
  const configMap = new k8s.core.v1.ConfigMap(
    `${name}-config`,
    {
      metadata: { name: stageConfigMapName(args.base), namespace: args.namespace, labels: args.labels },
      data: { ...args.extraData, [STAGE_PATHS.configFile]: json },
    },
    opts,
  );

  const secretEnv = args.stage.secretEnv ?? {};
  const secretKeys = Object.keys(secretEnv).sort();
  const secret =
    secretKeys.length > 0
      ? new k8s.core.v1.Secret(
          `${name}-env`,
          {
            metadata: { name: stageSecretName(args.base), namespace: args.namespace, labels: args.labels },
            type: 'Opaque',
            // Secret in Pulumi's state and CLI whether or not the caller wrapped each value.
            stringData: pulumi.secret(
              pulumi.all(Object.fromEntries(secretKeys.map((key) => [key, secretEnv[key]]))),
            ),
          },
          opts,
        )
      : undefined;

  // The secret values enter only a digest, and the digest itself stays a Pulumi secret.
  const secretDigest = pulumi
    .all(secretKeys.map((key) => pulumi.output(secretEnv[key])))
    .apply((values) => sha256(JSON.stringify(secretKeys.map((key, index) => [key, values[index]]))));
  const revision = secretDigest.apply((secrets) => sha256(`${sha256(json)}/${secrets}`).slice(0, 16));
  return { configMap, secret, secretKeys, revision };
}

const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');

/** JSON with object keys sorted, so the same config always renders (and digests) the same. */
export function stableJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}
