/**
 * The local engine in a process of its own, for tests that need a real process: a worker to SIGKILL mid-run,
 * and a program whose error is an unhandled rejection inside Pulumi's runtime (which jest's sandboxed
 * `process` cannot observe). Prints every resource event as a JSON line, then `DONE` or `FAILED <code>`.
 * Usage: node -r @swc-node/register local-engine-target.ts <up-slowly | broken-apply> <state directory> <stack>
 */
import * as pulumi from '@pulumi/pulumi';
import { FileLocalStateStore } from '../local/local-state-store';
import { LocalStackEngine } from '../local/local-stack-engine';
import type { DeploymentProgram } from '../local/program-graph';
import { ProvisioningError } from '../provisioning.errors';
import { makeInput } from './factories';
import { fixtureProgram } from './fixture-program';

const [mode, directory, stackName] = process.argv.slice(2);

const brokenApply: DeploymentProgram = () => () => {
  const broken = pulumi.output('x').apply((): string => {
    throw new Error('an apply is broken');
  });
  return Promise.resolve({ broken });
};

const engine = new LocalStackEngine({
  program: mode === 'broken-apply' ? brokenApply : fixtureProgram,
  stateStore: new FileLocalStateStore(directory),
  latency: 40,
  parallelism: 2,
});
engine
  .up({
    stackName,
    input: makeInput('azure'),
    onEvent: (event) => process.stdout.write(`${JSON.stringify(event)}\n`),
  })
  .then(() => process.stdout.write('DONE\n'))
  .catch((error: unknown) =>
    process.stdout.write(
      `FAILED ${error instanceof ProvisioningError ? `${error.code} ${error.message}` : String(error)}\n`,
    ),
  );
