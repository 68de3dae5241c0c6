/**
 * Entry point of a pulumi engine run process (`child_process.fork` by PulumiStackEngine): runs exactly one
 * stack operation through the Automation API and exits. Its own process because the Node Automation API
 * runs an inline program in the calling process with process-wide runtime state (one update per process),
 * and so that the customer's credentials exist only in this process and the Pulumi CLI it starts.
 * Protocol: runner-protocol.ts.
 */
import type { LocalWorkspaceOptions, PulumiFn } from '@pulumi/pulumi/automation';
import type { ProgramInput } from '@streamplane/infra';
import { promises as fs } from 'node:fs';
import { ProvisioningError, ProvisioningErrorCode } from '../provisioning.errors';
import type { DeploymentProgram } from '../local/program-graph';
import type { ChildMessage, RunSpec } from './runner-protocol';
import { DEFAULT_PROGRAM, isParentMessage } from './runner-protocol';
import type { AutomationApi } from './stack-run';
import { runStackOperation } from './stack-run';
import { toProvisioningError } from './error-mapping';

const controller = new AbortController();
let started = false;

function send(message: ChildMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send || !process.connected) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });
}

async function finish(message: ChildMessage, code: number): Promise<never> {
  await send(message);
  process.exit(code);
}

async function loadProgramModule(module: string): Promise<Record<string, unknown>> {
  // The default with a literal specifier: path aliases are rewritten when the runner is compiled (SWC), so
  // `import(variable)` would not find `@streamplane/infra`. Other modules (tests) are given as paths.
  if (module === DEFAULT_PROGRAM.module) return await import('@streamplane/infra');
  return (await import(module)) as Record<string, unknown>;
}

async function execute(spec: RunSpec): Promise<void> {
  try {
    const automation = await import('@pulumi/pulumi/automation');
    const pulumi = await import('@pulumi/pulumi');
    const loaded = await loadProgramModule(spec.program.module);
    const deploymentProgram = loaded[spec.program.exportName] as DeploymentProgram | undefined;
    if (typeof deploymentProgram !== 'function') {
      throw new ProvisioningError(
        ProvisioningErrorCode.PROGRAM_ERROR,
        `${spec.program.module} has no function ${spec.program.exportName}`,
      );
    }
    // The agent token crosses the IPC channel as a string; in the program it is a secret again.
    const program: PulumiFn = () => {
      const input: ProgramInput = {
        ...spec.input,
        agent: { ...spec.input.agent, token: pulumi.secret(spec.input.agent.token) },
      };
      return deploymentProgram(input)();
    };
    await fs.mkdir(spec.workspace.workDir, { recursive: true, mode: 0o700 });
    const workspaceOptions: LocalWorkspaceOptions = {
      workDir: spec.workspace.workDir,
      ...(spec.workspace.pulumiHome ? { pulumiHome: spec.workspace.pulumiHome } : {}),
      projectSettings: spec.workspace.projectSettings,
      secretsProvider: spec.workspace.secretsProvider,
      envVars: spec.workspace.envVars,
      ...(spec.workspace.pulumiCommandRoot
        ? { pulumiCommand: await automation.PulumiCommand.get({ root: spec.workspace.pulumiCommandRoot }) }
        : {}),
    };
    const api: AutomationApi = {
      createOrSelectStack: (args, options) => automation.LocalWorkspace.createOrSelectStack(args, options),
      selectStack: (args, options) => automation.LocalWorkspace.selectStack(args, options),
    };
    const result = await runStackOperation(spec, {
      api,
      program,
      workspaceOptions,
      signal: controller.signal,
      emit: (event) => void send({ type: 'event', event }),
      log: (level, message) => void send({ type: 'log', level, message }),
    });
    await finish({ type: 'result', result }, 0);
  } catch (error) {
    const mapped = toProvisioningError(error, {
      aborted: controller.signal.aborted,
      failures: [],
      programErrors: [],
    });
    await finish({ type: 'error', error: mapped.toJSON() }, 0);
  }
}

process.on('message', (message: unknown) => {
  if (!isParentMessage(message)) return;
  if (message.type === 'cancel') {
    controller.abort();
    return;
  }
  if (started) return;
  started = true;
  void execute(message.run);
});

// The parent went away (it crashed or was killed): stop the CLI gracefully rather than run unattended.
process.on('disconnect', () => controller.abort());

// No uncaughtException handler of its own: during a run the Automation API's language server reports the
// program's exceptions; anything else ends the process, and the parent reports ENGINE_CRASHED.

void send({ type: 'ready' });
