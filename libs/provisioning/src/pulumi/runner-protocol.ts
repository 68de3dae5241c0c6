import type { ProgramInput } from '@streamplane/infra';
import type { SerializedProvisioningError } from '../provisioning.errors';
import type { WireOutputValue } from '../secret-value';
import type {
  ChangeSummary,
  CloudCredentials,
  PlannedResource,
  RecoveryReport,
  ResourceEvent,
  StackOperation,
} from '../stack-engine';

/**
 * Messages between the pulumi engine (parent) and its run process (child, `stack-runner.main.ts`), over
 * the IPC channel of `child_process.fork`. One child runs exactly one operation and exits:
 *
 *   child  → parent  { type: 'ready' }
 *   parent → child   { type: 'run', run }
 *   child  → parent  { type: 'event', event }*   { type: 'log', … }*
 *   parent → child   { type: 'cancel' }           (optional, when the caller's signal fires)
 *   child  → parent  { type: 'result', result } | { type: 'error', error }   — then the child exits
 *
 * A child that exits without a result or error is reported as ENGINE_CRASHED.
 */
export type ParentMessage = { type: 'run'; run: RunSpec } | { type: 'cancel' };

export type ChildMessage =
  | { type: 'ready' }
  | { type: 'event'; event: Omit<ResourceEvent, 'sequence'> }
  | { type: 'log'; level: 'info' | 'warning' | 'error'; message: string; urn?: string }
  | { type: 'result'; result: WireResult }
  | { type: 'error'; error: SerializedProvisioningError };

/** Everything the child needs for one run. Plain data: it crosses a process boundary. */
export interface RunSpec {
  operation: StackOperation;
  stackName: string;
  projectName: string;
  /** The program's input; the agent token as a plain string (the child makes it a Pulumi secret again). */
  input: WireProgramInput;
  /** Where the program comes from in the child: `require(module)[exportName](input)`. */
  program: { module: string; exportName: string };
  workspace: WorkspaceSpec;
  /** Stack configuration set before the run (`azure-native:location`, `aws:region`). */
  config: Record<string, string>;
  credentials: CloudCredentials;
  previousRunInterrupted: boolean;
  continueOnError: boolean;
}

export type WireProgramInput = Omit<ProgramInput, 'agent'> & {
  agent: Omit<ProgramInput['agent'], 'token'> & { token: string };
};

/** The program the run process runs unless configured otherwise. */
export const DEFAULT_PROGRAM = { module: '@streamplane/infra', exportName: 'deploymentProgram' };

/** The serialisable part of the Automation API's `LocalWorkspaceOptions`. */
export interface WorkspaceSpec {
  workDir: string;
  pulumiHome?: string;
  /** Directory of an installed Pulumi CLI (`PulumiCommand.get({ root })`); default: `pulumi` on PATH. */
  pulumiCommandRoot?: string;
  projectSettings: { name: string; runtime: 'nodejs'; backend: { url: string } };
  secretsProvider: string;
  /** Environment of the Pulumi CLI for this run only: backend settings plus the customer's credentials. */
  envVars: Record<string, string>;
}

export interface WireResult {
  summary: ChangeSummary;
  outputs?: Record<string, WireOutputValue>;
  plan?: PlannedResource[];
  recovery?: RecoveryReport;
}

const CHILD_TYPES = new Set(['ready', 'event', 'log', 'result', 'error']);
const PARENT_TYPES = new Set(['run', 'cancel']);

export function isChildMessage(value: unknown): value is ChildMessage {
  return isTyped(value) && CHILD_TYPES.has(value.type);
}

export function isParentMessage(value: unknown): value is ParentMessage {
  return isTyped(value) && PARENT_TYPES.has(value.type);
}

function isTyped(value: unknown): value is { type: string } {
  return (
    typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string'
  );
}
