import { FileLocalStateStore } from './local/local-state-store';
import type { LocalStackEngineOptions } from './local/local-stack-engine';
import { LocalStackEngine } from './local/local-stack-engine';
import { typicalLatency } from './local/simulation';
import { PulumiStackEngine } from './pulumi/pulumi-stack-engine';
import type { PulumiEngineConfig } from './pulumi/workspace-options';
import type { StackEngine } from './stack-engine';

export type StackEngineConfig =
  ({ engine: 'local' } & LocalEngineSettings) | { engine: 'pulumi'; pulumi: PulumiEngineConfig };

export interface LocalEngineSettings {
  /** Directory for stack states (survives restarts); default: in memory. */
  stateDirectory?: string;
  /** Scale of the typical per-resource latencies (1 ≈ real time, 0 = none). Default 0.01. */
  latencyScale?: number;
  /** Everything else the local engine takes (a program, a store, failures, …); wins over the two above. */
  options?: LocalStackEngineOptions;
}

/**
 * The StackEngine for a configuration. The local engine is the default when no cloud engine is
 * configured: it needs nothing, creates nothing, and says so (`simulated: true`).
 */
export function createStackEngine(config: StackEngineConfig = { engine: 'local' }): StackEngine {
  switch (config.engine) {
    case 'local':
      return new LocalStackEngine({
        latency: typicalLatency(config.latencyScale ?? 0.01),
        ...(config.stateDirectory ? { stateStore: new FileLocalStateStore(config.stateDirectory) } : {}),
        ...config.options,
      });
    case 'pulumi':
      return new PulumiStackEngine(config.pulumi);
  }
}
