import { LocalStackEngine } from '@streamplane/provisioning';
/* eslint-disable @nx/enforce-module-boundaries --
 * The provisioner is another app, and the small stand-in program is a test fixture of libs/provisioning that
 * its index does not export: like bench/, this runs them beside the api through relative imports. */
import { startProvisioner, type Provisioner } from '../../provisioner/src/create-provisioner';
import { fixtureProgram } from '../../../libs/provisioning/src/testing/fixture-program';
/* eslint-enable @nx/enforce-module-boundaries */
import type { TestApi } from './harness';

export interface TestProvisioner extends Provisioner {
  /** Its JSON log lines (and, with both in one process, the api's Nest-logged errors), for failure messages. */
  logs: string[];
}

/**
 * The real provisioner (its BullMQ worker, operation runner, deployment locks and event publisher) in this
 * process, on the api's database, queue and event channels, with the local engine at zero latency running
 * libs/provisioning's small stand-in for the infra program: the same kinds of resources, events and outputs,
 * evaluated in milliseconds instead of the real program's ~0.5 s (which, in-process, also blocks the
 * api's event loop). For tests about what happens around operations, at a scale of many deployments.
 */
export async function startTestProvisioner(api: TestApi): Promise<TestProvisioner> {
  const logs: string[] = [];
  const provisioner = await startProvisioner(api.config, {
    engine: new LocalStackEngine({ program: fixtureProgram, latency: 0 }),
    logDestination: { write: (line: string) => void logs.push(line) },
  });
  return { ...provisioner, logs };
}
