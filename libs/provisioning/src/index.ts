export * from './provisioning.errors';
export * from './secret-value';
export * from './stack-engine';
export * from './stack-config';
export * from './stack-engine.factory';
export { LocalStackEngine, type LocalStackEngineOptions } from './local/local-stack-engine';
export {
  FileLocalStateStore,
  InMemoryLocalStateStore,
  type LocalStackState,
  type LocalStateStore,
  type PendingOperation,
  type StackLock,
  type StoredResource,
} from './local/local-state-store';
export { SIMULATED_DOMAIN } from './local/mock-cloud';
export { type DeploymentProgram, pendingProgramEvaluations } from './local/program-graph';
export { type InjectedFailure, type LatencyModel, typicalLatency } from './local/simulation';
export { PulumiStackEngine } from './pulumi/pulumi-stack-engine';
export { type PulumiEngineConfig } from './pulumi/workspace-options';
