import type { AppConfig } from '@streamplane/config';
import { createStackEngine, type StackEngine } from '@streamplane/provisioning';

/** Injection token of the provisioner's StackEngine (tests provide their own local engine). */
export const STACK_ENGINE = Symbol('STACK_ENGINE');

/**
 * The engine for the configuration. The local engine keeps stack states under a directory every
 * provisioner process on the host shares, so a run that a killed worker left behind is resumed by the next.
 */
export function stackEngineFor(config: AppConfig): StackEngine {
  switch (config.cloud.engine) {
    case 'local':
      return createStackEngine({
        engine: 'local',
        stateDirectory: config.provisioning.localEngine.stateDirectory,
        latencyScale: config.provisioning.localEngine.latencyScale,
      });
    case 'pulumi':
      // Needs the per-deployment cloud credentials (decrypted, AWS roles assumed) and a state backend:
      // not wired into the provisioner yet. Refuse at boot rather than fail every operation.
      throw new Error('CLOUD_ENGINE=pulumi is not supported by the provisioner yet; use CLOUD_ENGINE=local');
  }
}
