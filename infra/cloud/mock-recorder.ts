import type * as pulumi from '@pulumi/pulumi';
import * as settings from '@pulumi/pulumi/runtime/settings';

/** A custom resource the program registered, with the inputs it was given and the state the mock returned. */
export interface RecordedResource {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  id: string;
  state: Record<string, unknown>;
}

/** A provider function (invoke) the program called. */
export interface RecordedCall {
  token: string;
  inputs: Record<string, unknown>;
}

export type MockResourceState = (args: pulumi.runtime.MockResourceArgs) => {
  id: string;
  state: Record<string, unknown>;
};
export type MockCallResult = (args: pulumi.runtime.MockCallArgs) => Record<string, unknown>;

export interface RecordingMocks {
  mocks: pulumi.runtime.Mocks;
  /** What was registered since the last `reset()`. */
  resources: RecordedResource[];
  calls: RecordedCall[];
  /** Forget what was recorded, to build another program under the same mocks. */
  reset(): void;
}

/**
 * Pulumi mocks that answer with a cloud's realistic state and remember every custom resource and invoke,
 * so tests (and the local engine) can see the exact resource graph a real run would build. Component
 * resources are not recorded: they exist only in the program, not in the cloud.
 */
export function recordingMocks(resourceState: MockResourceState, callResult: MockCallResult): RecordingMocks {
  const resources: RecordedResource[] = [];
  const calls: RecordedCall[] = [];
  const mocks: pulumi.runtime.Mocks = {
    newResource: (args) => {
      if (args.custom === false) return { id: undefined, state: args.inputs as Record<string, unknown> };
      const result = resourceState(args);
      resources.push({
        type: args.type,
        name: args.name,
        inputs: args.inputs as Record<string, unknown>,
        id: result.id,
        state: result.state,
      });
      return result;
    },
    call: (args) => {
      calls.push({ token: args.token, inputs: args.inputs as Record<string, unknown> });
      return callResult(args);
    },
  };
  const reset = () => {
    resources.length = 0;
    calls.length = 0;
  };
  return { mocks, resources, calls, reset };
}

/**
 * Resolves once every resource registration the program started has finished, including those still
 * waiting for their inputs (Pulumi counts them as pending RPCs from the constructor on). This is how the
 * Pulumi language host knows a program is done; it is internal to the SDK, hence the narrow cast.
 */
export function allRegistrationsDone(): Promise<void> {
  return (settings as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
}
