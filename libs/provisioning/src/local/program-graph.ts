import * as pulumi from '@pulumi/pulumi';
import { createHash } from 'node:crypto';
import type { ProgramInput } from '@streamplane/infra';
import { ProvisioningError, ProvisioningErrorCode } from '../provisioning.errors';
import type { JsonValue, WireOutputValue } from '../secret-value';
import { Mutex } from './mutex';

/**
 * Runs a Pulumi program in-process under `pulumi.runtime.setMocks` and records the resource graph it
 * builds: every resource with its URN (as the real engine would name it), parent, dependencies, provider
 * and inputs, plus the stack outputs. Nothing is created anywhere.
 *
 * Pulumi's runtime keeps its settings (monitor, stack resource, config, pending registrations) in one
 * process-wide store, so two programs cannot be evaluated at the same time: evaluations are serialised by
 * one mutex per process, and the runtime is reset before (`setMocks`) and after (`resetOptions`, config
 * cleared) each one. An evaluation only builds the graph (about 0.25 s for the infra program in a worker);
 * the slow part of a simulated run, the per-resource latency, happens afterwards outside the mutex, so many
 * simulated operations progress concurrently in one worker and only their evaluations queue — a worker
 * evaluates about four deployments a second, whatever its concurrency.
 *
 * (Pulumi's own language host runs each inline program in an AsyncLocalStorage store so programs can
 * overlap; that store is internal to the SDK, the work is CPU-bound anyway, so a mutex is the simpler
 * guarantee.)
 */

export const ROOT_STACK_TYPE = 'pulumi:pulumi:Stack';
const PROVIDER_TYPE_PREFIX = 'pulumi:providers:';

/**
 * `deploymentProgram` from `@streamplane/infra`: given a deployment's input, the inline Pulumi program (the
 * `PulumiFn` the Automation API runs), which builds the resources and returns the stack outputs.
 */
export type DeploymentProgram = (input: ProgramInput) => () => Promise<Record<string, unknown>>;

export interface ResourceNode {
  urn: string;
  type: string;
  name: string;
  parentUrn?: string;
  /** Managed by a provider (false for component resources and the stack). */
  custom: boolean;
  /** A component implemented by a provider (e.g. a Helm v4 Chart): its children exist only in a real run. */
  remote: boolean;
  /** `read` for a resource looked up with `.get()`; it is read, never created or deleted. */
  kind: 'register' | 'read';
  /** URN of the provider that manages it (explicit, or the engine's default provider for its package). */
  providerUrn?: string;
  /** URNs it depends on (explicit `dependsOn`, inputs taken from other resources' outputs, its provider). */
  dependencies: string[];
  /** A digest of each top-level input property: what a preview compares with the stack's state. */
  inputDigests: Record<string, string>;
  /** The mock id. */
  id?: string;
  /** Registered with `retainOnDelete`: once out of the program it leaves the state, not the cloud. */
  retainOnDelete?: boolean;
}

export interface ProgramGraph {
  stackUrn: string;
  /** In registration order. */
  nodes: ResourceNode[];
  outputs: Record<string, WireOutputValue>;
}

/** Resource and invoke results for the mocks (see mock-cloud.ts). `urn` seeds deterministic values. */
export interface MockCloud {
  newResource(args: pulumi.runtime.MockResourceArgs & { urn: string }): pulumi.runtime.MockResourceResult;
  call(args: pulumi.runtime.MockCallArgs): Record<string, unknown>;
}

export interface EvaluateProgramOptions {
  program: DeploymentProgram;
  input: ProgramInput;
  projectName: string;
  stackName: string;
  cloud: MockCloud;
  /** Stack configuration the program and providers see (`azure-native:location`, `aws:region`). */
  config?: Record<string, string>;
  /** How long the program may take to register everything. */
  timeoutMs?: number;
  /** Keep source-mapped stack traces during the evaluation (slower; see `evaluateExclusively`). Default false. */
  sourceMappedStackTraces?: boolean;
}

const runtimeMutex = new Mutex();

/** Evaluations waiting for (or holding) the process's Pulumi runtime. */
export function pendingProgramEvaluations(): number {
  return runtimeMutex.queueLength;
}

export function evaluateProgram(options: EvaluateProgramOptions): Promise<ProgramGraph> {
  return runtimeMutex.runExclusive(() => evaluateExclusively(options));
}

/** The URN the Pulumi engine gives a resource (children of the root stack are not qualified by it). */
export function engineUrn(
  stackName: string,
  projectName: string,
  parentUrn: string | undefined,
  type: string,
  name: string,
): string {
  let qualifiedType = type;
  if (parentUrn) {
    const parentQualifiedType = parentUrn.split('::')[2] ?? '';
    if (parentQualifiedType && parentQualifiedType !== ROOT_STACK_TYPE) {
      qualifiedType = `${parentQualifiedType}$${type}`;
    }
  }
  return `urn:pulumi:${stackName}::${projectName}::${qualifiedType}::${name}`;
}

/** The engine's default provider for a package and version: `pulumi:providers:aws::default_7_48_0`. */
export function defaultProviderUrn(
  stackName: string,
  projectName: string,
  type: string,
  version: string,
): string {
  const pkg = type.split(':')[0];
  const name = version ? `default_${version.replace(/[.+-]/g, '_')}` : 'default';
  return `urn:pulumi:${stackName}::${projectName}::${PROVIDER_TYPE_PREFIX}${pkg}::${name}`;
}

export function isProviderType(type: string): boolean {
  return type.startsWith(PROVIDER_TYPE_PREFIX);
}

async function evaluateExclusively(options: EvaluateProgramOptions): Promise<ProgramGraph> {
  const { projectName, stackName } = options;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const recorder = new GraphRecorder(stackName, projectName);
  const mocks: pulumi.runtime.Mocks = {
    newResource: (args) => options.cloud.newResource({ ...args, urn: recorder.urnForSeed(args) }),
    call: (args) => options.cloud.call(args),
  };
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  // Pulumi records where each resource was declared by formatting a full stack trace per resource; under a
  // source-map loader (the apps run through @swc-node/register) that mapping is most of an evaluation's
  // time. The positions only go to the mock monitor, so while the program runs V8's own formatting is used
  // (2-3x faster). Any other error whose stack is first read during those few hundred milliseconds shows
  // positions in the compiled JavaScript instead of the TypeScript source; nothing else changes.
  const errorClass = Error as { prepareStackTrace?: ErrorConstructor['prepareStackTrace'] };
  const prepareStackTrace = errorClass.prepareStackTrace;
  if (!options.sourceMappedStackTraces) errorClass.prepareStackTrace = undefined;
  try {
    await pulumi.runtime.setMocks(mocks, projectName, stackName, false);
    pulumi.runtime.setAllConfig(options.config ?? {}, []);
    recorder.attach(pulumi.runtime.getMonitor() as unknown as MonitorLike);

    let returned: unknown;
    let thrown: { error: unknown } | undefined;
    const resolved = await withTimeout(
      pulumi.runtime.runInPulumiStack(async () => {
        // Caught here rather than left to reject the stack resource: that rejection would also surface as an
        // unhandled one inside Pulumi's runtime (the language host installs process handlers for it; a
        // library cannot rely on those, e.g. under jest).
        try {
          returned = await options.program(options.input)();
        } catch (error) {
          thrown = { error };
          return {};
        }
        return isRecord(returned) ? returned : {};
      }),
      timeoutMs,
    );
    if (thrown) throw thrown.error;
    const outputs = await wireOutputs(returned, resolved);
    // Wait for registrations the outputs did not depend on.
    await withTimeout(pulumi.runtime.disconnect(), timeoutMs);

    const problems = [...recorder.errors, ...unhandled];
    if (problems.length > 0) throw problems[0];
    return recorder.graph(outputs);
  } catch (error) {
    if (error instanceof ProvisioningError) throw error;
    throw new ProvisioningError(
      ProvisioningErrorCode.PROGRAM_ERROR,
      `The program failed: ${messageOf(error)}`,
      {
        cause: error,
      },
    );
  } finally {
    // Node reports a rejection as unhandled only after the microtasks of this turn: let that happen while
    // the handler is still there.
    await new Promise((resolve) => setImmediate(resolve));
    process.off('unhandledRejection', onUnhandled);
    errorClass.prepareStackTrace = prepareStackTrace;
    pulumi.runtime.resetOptions('', '', -1, '', '', false, '');
    pulumi.runtime.setAllConfig({}, []);
  }
}

// The parts of the mock monitor and its protobuf requests this module touches.
interface UrnList {
  getUrnsList(): string[];
}
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getRemote(): boolean;
  getProvider(): string;
  getVersion(): string;
  getDependenciesList(): string[];
  getPropertydependenciesMap(): { forEach(callback: (value: UrnList, key: string) => void): void };
  getObject(): unknown;
  getRetainondelete?(): boolean;
}
interface ReadRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getProvider(): string;
  getVersion(): string;
  getDependenciesList(): string[];
  getProperties(): unknown;
  getId(): string;
}
interface RegisterResponse {
  getUrn(): string;
  getId?(): string;
}
type Callback = (error: unknown, response: RegisterResponse | undefined) => void;
interface MonitorLike {
  registerResource(request: RegisterRequest, callback: Callback): unknown;
  readResource(request: ReadRequest, callback: Callback): unknown;
  newUrn?: (parent: string, type: string, name: string) => string;
}

interface PendingNode extends Omit<ResourceNode, 'urn' | 'id'> {
  order: number;
  expectedUrn: string;
}

class GraphRecorder {
  readonly errors: Error[] = [];
  private readonly nodes = new Map<string, ResourceNode & { order: number }>();
  private order = 0;
  /** URN of the registration being handed to the mocks right now (the mock monitor calls them synchronously). */
  private current: { type: string; name: string; urn: string } | undefined;

  constructor(
    private readonly stackName: string,
    private readonly projectName: string,
  ) {}

  urnForSeed(args: { type: string; name: string }): string {
    const current = this.current;
    if (current && current.type === args.type && current.name === args.name) return current.urn;
    return `${args.type}::${args.name}`;
  }

  attach(monitor: MonitorLike): void {
    // URNs as the engine makes them; the mock monitor's own rule differs (see engineUrn).
    monitor.newUrn = (parent, type, name) =>
      engineUrn(this.stackName, this.projectName, parent || undefined, type, name);

    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (request, callback) =>
      this.intercept(() => this.describeRegister(request), register, request, callback);

    const read = monitor.readResource.bind(monitor);
    monitor.readResource = (request, callback) =>
      this.intercept(() => this.describeRead(request), read, request, callback);
  }

  private intercept<R>(
    describe: () => PendingNode,
    original: (request: R, callback: Callback) => unknown,
    request: R,
    callback: Callback,
  ): unknown {
    let pending: PendingNode | undefined;
    try {
      pending = describe();
    } catch (error) {
      this.errors.push(error instanceof Error ? error : new Error(String(error)));
    }
    const done: Callback = (error, response) => {
      if (!error && pending && response) this.add(pending, response);
      callback(error, response);
    };
    this.current = pending ? { type: pending.type, name: pending.name, urn: pending.expectedUrn } : undefined;
    try {
      return original(request, done);
    } finally {
      this.current = undefined;
    }
  }

  private describeRegister(request: RegisterRequest): PendingNode {
    const type = request.getType();
    const name = request.getName();
    const parentUrn = request.getParent() || undefined;
    const custom = request.getCustom();
    const dependencies = new Set(request.getDependenciesList());
    request
      .getPropertydependenciesMap()
      .forEach((urns) => urns.getUrnsList().forEach((u) => dependencies.add(u)));
    const inputs = pulumi.runtime.deserializeProperties(request.getObject() as never) as Record<
      string,
      unknown
    >;
    return {
      type,
      name,
      parentUrn,
      custom,
      remote: request.getRemote(),
      kind: 'register',
      providerUrn: this.providerFor(type, custom, request.getProvider(), request.getVersion()),
      dependencies: [...dependencies],
      inputDigests: digestInputs(inputs),
      ...(request.getRetainondelete?.() ? { retainOnDelete: true } : {}),
      order: this.order++,
      expectedUrn: engineUrn(this.stackName, this.projectName, parentUrn, type, name),
    };
  }

  private describeRead(request: ReadRequest): PendingNode {
    const type = request.getType();
    const name = request.getName();
    const parentUrn = request.getParent() || undefined;
    const inputs = pulumi.runtime.deserializeProperties(request.getProperties() as never) as Record<
      string,
      unknown
    >;
    return {
      type,
      name,
      parentUrn,
      custom: true,
      remote: false,
      kind: 'read',
      providerUrn: this.providerFor(type, true, request.getProvider(), request.getVersion()),
      dependencies: [...request.getDependenciesList()],
      inputDigests: digestInputs({ ...inputs, id: request.getId() }),
      order: this.order++,
      expectedUrn: engineUrn(this.stackName, this.projectName, parentUrn, type, name),
    };
  }

  private providerFor(
    type: string,
    custom: boolean,
    providerRef: string,
    version: string,
  ): string | undefined {
    if (!custom || isProviderType(type) || type === ROOT_STACK_TYPE) return undefined;
    // A provider reference is `<provider urn>::<provider id>`.
    if (providerRef) return providerRef.slice(0, providerRef.lastIndexOf('::'));
    const urn = defaultProviderUrn(this.stackName, this.projectName, type, version);
    if (!this.nodes.has(urn)) {
      this.nodes.set(urn, {
        urn,
        type: urn.split('::')[2],
        name: urn.split('::')[3],
        custom: true,
        remote: false,
        kind: 'register',
        dependencies: [],
        inputDigests: digestInputs({ version }),
        order: this.order++,
      });
    }
    return urn;
  }

  private add(pending: PendingNode, response: RegisterResponse): void {
    const urn = response.getUrn();
    if (this.nodes.has(urn)) {
      this.errors.push(new Error(`Duplicate resource URN '${urn}'; try giving it a unique name`));
      return;
    }
    const { expectedUrn: _expected, providerUrn, dependencies, ...rest } = pending;
    const deps = new Set(dependencies);
    if (providerUrn) deps.add(providerUrn);
    deps.delete(urn);
    this.nodes.set(urn, {
      ...rest,
      urn,
      ...(providerUrn ? { providerUrn } : {}),
      dependencies: [...deps],
      id: response.getId?.() || undefined,
    });
  }

  graph(outputs: Record<string, WireOutputValue>): ProgramGraph {
    const nodes = [...this.nodes.values()]
      .sort((a, b) => a.order - b.order)
      .map(({ order: _order, ...node }) => node);
    const stack = nodes.find((node) => node.type === ROOT_STACK_TYPE);
    if (!stack) throw new Error('The program registered no stack resource');
    return { stackUrn: stack.urn, nodes, outputs };
  }
}

function digestInputs(inputs: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.keys(inputs)
      .filter((key) => inputs[key] !== undefined)
      .sort()
      .map((key) => [key, digest(stableJson(inputs[key]))]),
  );
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 24);
}

/** JSON with object keys sorted, so equal values give equal text. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    isRecord(v) && !Array.isArray(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, v[k]]),
        )
      : v,
  );
}

async function wireOutputs(returned: unknown, resolved: unknown): Promise<Record<string, WireOutputValue>> {
  if (!isRecord(returned) || !isRecord(resolved)) return {};
  const result: Record<string, WireOutputValue> = {};
  for (const key of Object.keys(returned)) {
    if (resolved[key] === undefined) continue;
    const secret = await pulumi.isSecret(pulumi.output(returned[key]));
    result[key] = { value: toJson(resolved[key]), secret };
  }
  return result;
}

function toJson(value: unknown): JsonValue {
  return JSON.parse(JSON.stringify(value ?? null)) as JsonValue;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`did not finish within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
