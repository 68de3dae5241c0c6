import type { ChildProcess } from 'node:child_process';
import { fork } from 'node:child_process';
import * as path from 'node:path';
import { ProvisioningError, ProvisioningErrorCode, cancelledError } from '../provisioning.errors';
import { outputsFromWire } from '../secret-value';
import { stackConfigFor } from '../stack-config';
import type {
  PreviewResult,
  StackEngine,
  StackOperation,
  StackRequest,
  StackRunResult,
} from '../stack-engine';
import { ResourceEventSequencer, assertCredentialsMatch, assertValidStackName } from '../stack-engine';
import { redactor } from './error-mapping';
import type { ParentMessage, RunSpec, WireResult } from './runner-protocol';
import { DEFAULT_PROGRAM, isChildMessage } from './runner-protocol';
import type { PulumiEngineConfig } from './workspace-options';
import { buildWorkspaceSpec, childEnvironment, configProblems, secretValuesOf } from './workspace-options';

/**
 * The production engine: the Pulumi Automation API with the inline program from `infra/`, one stack per
 * deployment in the configured backend, secrets encrypted by the configured provider, and the customer's
 * credentials in the environment of this run's CLI only. Each operation runs in its own child process
 * (see stack-runner.main.ts and runner-protocol.ts); this class starts it, relays its events, forwards
 * cancellation, and turns its end into a result or a ProvisioningError.
 */
export class PulumiStackEngine implements StackEngine {
  readonly kind = 'pulumi' as const;
  readonly simulated = false;
  private readonly running = new Set<string>();

  constructor(private readonly config: PulumiEngineConfig) {
    const problems = configProblems(config);
    if (problems.length > 0) {
      throw new Error(`Invalid pulumi engine configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    }
  }

  async preview(request: StackRequest): Promise<PreviewResult> {
    const { result, durationMs } = await this.run('preview', request);
    return {
      engine: 'pulumi',
      simulated: false,
      summary: result.summary,
      plan: result.plan ?? [],
      durationMs,
    };
  }

  up(request: StackRequest): Promise<StackRunResult> {
    return this.runWithOutputs('up', request);
  }

  destroy(request: StackRequest): Promise<StackRunResult> {
    return this.runWithOutputs('destroy', request);
  }

  refresh(request: StackRequest): Promise<StackRunResult> {
    return this.runWithOutputs('refresh', request);
  }

  /** What the child is given for a request (exposed for the contract tests of option building). */
  runSpecFor(operation: StackOperation, request: StackRequest): RunSpec {
    const { input } = request;
    const token = input.agent.token;
    if (typeof token !== 'string') {
      throw new ProvisioningError(
        ProvisioningErrorCode.INVALID_REQUEST,
        'The pulumi engine takes the agent token as a string (it becomes a secret inside the run)',
      );
    }
    const workspace = buildWorkspaceSpec(this.config, request);
    return {
      operation,
      stackName: request.stackName,
      projectName: workspace.projectSettings.name,
      input: { ...input, agent: { ...input.agent, token } },
      program: this.config.program ?? DEFAULT_PROGRAM,
      workspace,
      config: stackConfigFor(input.spec),
      credentials: request.credentials!,
      previousRunInterrupted: request.previousRunInterrupted ?? false,
      continueOnError: request.continueOnError ?? false,
    };
  }

  private async runWithOutputs(operation: Exclude<StackOperation, 'preview'>, request: StackRequest) {
    const { result, durationMs } = await this.run(operation, request);
    return {
      engine: 'pulumi' as const,
      simulated: false,
      summary: result.summary,
      outputs: outputsFromWire(result.outputs ?? {}),
      durationMs,
      ...(result.recovery ? { recovery: result.recovery } : {}),
    };
  }

  private async run(
    operation: StackOperation,
    request: StackRequest,
  ): Promise<{ result: WireResult; durationMs: number }> {
    const started = Date.now();
    assertValidStackName(request.stackName);
    assertCredentialsMatch(request);
    if (request.signal?.aborted) throw cancelledError();
    const spec = this.runSpecFor(operation, request);
    if (this.running.has(request.stackName)) {
      throw new ProvisioningError(
        ProvisioningErrorCode.CONCURRENT_UPDATE,
        `Stack '${request.stackName}' already has an operation running in this process`,
      );
    }
    this.running.add(request.stackName);
    try {
      const result = await this.runInChild(spec, request);
      return { result, durationMs: Date.now() - started };
    } finally {
      this.running.delete(request.stackName);
    }
  }

  private runInChild(spec: RunSpec, request: StackRequest): Promise<WireResult> {
    const events = new ResourceEventSequencer(request.onEvent);
    const redact = redactor(secretValuesOf(spec.credentials, this.config.passphrase));
    const { modulePath, execArgv } = this.runnerModule();
    const grace = this.config.cancelGraceMs ?? 120_000;
    const signal = request.signal;

    return new Promise<WireResult>((resolve, reject) => {
      let settled = false;
      let killed = false;
      let killTimer: NodeJS.Timeout | undefined;
      const child: ChildProcess = fork(modulePath, [], {
        execArgv,
        env: childEnvironment(process.env),
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
        // Its own process group: a kill reaches the Pulumi CLI and its plugins too.
        detached: true,
      });
      const send = (message: ParentMessage) => {
        if (child.connected) child.send(message);
      };
      const onAbort = () => {
        send({ type: 'cancel' });
        killTimer ??= setTimeout(() => {
          killed = true;
          killGroup(child);
        }, grace);
      };
      const settle = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        if (killTimer) clearTimeout(killTimer);
        outcome();
      };

      signal?.addEventListener('abort', onAbort, { once: true });
      child.stderr?.setEncoding('utf8');
      child.stderr?.on('data', (chunk: string) => {
        for (const line of chunk.split('\n')) if (line.trim()) this.config.log?.('warning', redact(line));
      });
      child.on('message', (message: unknown) => {
        if (!isChildMessage(message)) return;
        switch (message.type) {
          case 'ready':
            send({ type: 'run', run: spec });
            if (signal?.aborted) onAbort();
            return;
          case 'event':
            events.emit(message.event);
            return;
          case 'log':
            this.config.log?.(message.level, redact(message.message));
            return;
          case 'result':
            settle(() => resolve(message.result));
            return;
          case 'error':
            settle(() => reject(ProvisioningError.fromJSON(message.error)));
            return;
        }
      });
      child.on('error', (error) =>
        settle(() =>
          reject(
            new ProvisioningError(
              ProvisioningErrorCode.ENGINE_UNAVAILABLE,
              `Could not start the run process: ${error.message}`,
            ),
          ),
        ),
      );
      child.on('exit', (code, exitSignal) =>
        settle(() => {
          if (killed) {
            reject(
              new ProvisioningError(
                ProvisioningErrorCode.CANCELLED,
                `The operation was cancelled and did not stop within ${grace} ms, so it was killed: the stack may be locked with pending operations (retry as an interrupted run)`,
              ),
            );
          } else if (signal?.aborted) {
            reject(cancelledError());
          } else {
            reject(
              new ProvisioningError(
                ProvisioningErrorCode.ENGINE_CRASHED,
                `The run process exited (${exitSignal ?? `code ${String(code)}`}) without a result`,
              ),
            );
          }
        }),
      );
    });
  }

  private runnerModule(): { modulePath: string; execArgv: string[] } {
    if (this.config.runner) {
      const { modulePath, execArgv } = this.config.runner;
      return { modulePath, execArgv: execArgv ?? defaultExecArgv(modulePath) };
    }
    const modulePath = path.join(__dirname, `stack-runner.main${path.extname(__filename)}`);
    return { modulePath, execArgv: defaultExecArgv(modulePath) };
  }
}

/** TypeScript sources run through the same SWC register hook the apps use; built JavaScript runs as is. */
function defaultExecArgv(modulePath: string): string[] {
  return modulePath.endsWith('.ts') ? ['-r', '@swc-node/register'] : [];
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}
