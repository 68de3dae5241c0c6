import type { ResourceOperation, StackOperation } from '../stack-engine';

/**
 * A failure the local engine injects, to exercise everything above the engine (FAILED operations,
 * retries, partial destroys) without a cloud.
 */
export interface InjectedFailure {
  match:
    | {
        /** Fails every step on a resource of this type token, e.g. `azure-native:containerservice:ManagedCluster`. */ type: string;
      }
    | {
        /** Fails the step that would start after this many steps (create/update/delete…) ran in the run. */ afterResources: number;
      }
    | {
        /** The run is refused before any resource, as a cloud refuses bad credentials. */ credentialsRejected: true;
      };
  /** Only for this stack (default: every stack). */
  stackName?: string;
  /** Which operations it applies to (default: `up`). */
  operations?: Exclude<StackOperation, 'preview'>[];
  /** The cloud's error text (default: a generic provider error naming the resource). */
  message?: string;
  /** Whether the failure is transient (retryable, like a throttled API). Default false. */
  transient?: boolean;
  /** How many runs it fails before it stops applying (default: every run). */
  times?: number;
}

export interface StepTiming {
  type: string;
  operation: ResourceOperation;
  /** Components and the stack are logical: they take no time whatever the model says. */
  custom: boolean;
}

/** Milliseconds a simulated step takes: one figure for all, or per step. */
export type LatencyModel = number | ((step: StepTiming) => number);

/**
 * Latencies shaped like a real run's (a cluster takes minutes, a subnet seconds), scaled: `scale` 1 is
 * roughly real time; the default 0.01 makes a whole deployment come up in a few seconds, for `npm start`.
 */
export function typicalLatency(scale = 0.01): LatencyModel {
  return (step) => {
    const seconds = typicalSeconds(step.type, step.operation);
    return Math.round(seconds * 1000 * scale);
  };
}

function typicalSeconds(type: string, operation: ResourceOperation): number {
  const factor = operation === 'delete' ? 0.6 : operation === 'refresh' || operation === 'read' ? 0.05 : 1;
  if (/containerservice:ManagedCluster$|eks\/cluster:Cluster$/.test(type)) return 420 * factor;
  if (/containerservice:AgentPool$|eks\/nodeGroup:NodeGroup$/.test(type)) return 240 * factor;
  if (/ec2\/natGateway:NatGateway$/.test(type)) return 90 * factor;
  if (/helm\.sh\/v3:Release$/.test(type)) return 60 * factor;
  if (/kafka\.strimzi\.io\/v1:Kafka$/.test(type)) return 180 * factor;
  if (/eks\/addon:Addon$/.test(type)) return 45 * factor;
  if (type.startsWith('kubernetes:')) return 3 * factor;
  if (type.startsWith('pulumi:providers:')) return 0.5 * factor;
  return 8 * factor;
}
