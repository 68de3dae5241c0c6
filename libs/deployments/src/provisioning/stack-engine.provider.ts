import { Logger } from '@nestjs/common';
import { requirePulumiEngine, type AppConfig, type RequiredPulumiEngineSettings } from '@streamplane/config';
import { createStackEngine, type PulumiEngineConfig, type StackEngine } from '@streamplane/provisioning';
import { withStackEngineTracing } from './tracing-stack-engine';

/** Injection token of the provisioner's StackEngine (tests provide their own local engine). */
export const STACK_ENGINE = Symbol('STACK_ENGINE');

/**
 * The engine for the configuration. The local engine keeps stack states under a directory every
 * provisioner process on the host shares, so a run that a killed worker left behind is resumed by the next.
 * The pulumi engine gets no credentials here: each run gets its deployment's own (CredentialedStackEngine).
 * `pulumi` replaces parts of the pulumi engine's configuration (tests: a fake run process).
 * Every run gets a span (withStackEngineTracing), a child of the provisioner's job span.
 */
export function stackEngineFor(config: AppConfig, pulumi: Partial<PulumiEngineConfig> = {}): StackEngine {
  return withStackEngineTracing(configuredEngine(config, pulumi));
}

function configuredEngine(config: AppConfig, pulumi: Partial<PulumiEngineConfig>): StackEngine {
  switch (config.cloud.engine) {
    case 'local':
      return createStackEngine({
        engine: 'local',
        stateDirectory: config.provisioning.localEngine.stateDirectory,
        latencyScale: config.provisioning.localEngine.latencyScale,
      });
    case 'pulumi':
      return createStackEngine({
        engine: 'pulumi',
        pulumi: { ...pulumiEngineConfigOf(requirePulumiEngine(config)), ...pulumi },
      });
  }
}

const logger = new Logger('PulumiStackEngine');

function pulumiEngineConfigOf(settings: RequiredPulumiEngineSettings): PulumiEngineConfig {
  return {
    backendUrl: settings.backendUrl,
    secretsProvider: settings.secretsProvider,
    passphrase: settings.passphrase,
    backendEnv: settings.backendEnv,
    workRoot: settings.workRoot,
    pulumiHome: settings.pulumiHome,
    pulumiCommandRoot: settings.commandRoot,
    // The run's diagnostics, already stripped of credentials and the passphrase by the engine.
    log: (level, message) => {
      switch (level) {
        case 'info':
          return logger.log(message);
        case 'warning':
          return logger.warn(message);
        case 'error':
          return logger.error(message);
      }
    },
  };
}
