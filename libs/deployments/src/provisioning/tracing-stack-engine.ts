import { SpanKind, trace, type Attributes, type Span } from '@opentelemetry/api';
import { ATTR_DEPLOYMENT_ID, markFailed } from '@streamplane/observability';
import {
  STACK_OPERATIONS,
  type ChangeSummary,
  type PreviewResult,
  type StackEngine,
  type StackOperation,
  type StackRequest,
  type StackRunResult,
} from '@streamplane/provisioning';

export const ATTR_STACK_ENGINE = 'streamplane.stack.engine';
export const ATTR_STACK_SIMULATED = 'streamplane.stack.simulated';
export const ATTR_STACK_NAME = 'streamplane.stack.name';
export const ATTR_STACK_OPERATION = 'streamplane.stack.operation';
/** The result's change summary: `streamplane.stack.summary.created`, `.updated`, `.replaced`, `.deleted`, `.same`. */
export const ATTR_STACK_SUMMARY_PREFIX = 'streamplane.stack.summary.';
/** A preview's planned steps. */
export const ATTR_STACK_PLAN_STEPS = 'streamplane.stack.plan_steps';
/** Resource events the run reported (each resource's steps: pending, in progress, succeeded or failed). */
export const ATTR_STACK_RESOURCE_EVENTS = 'streamplane.stack.resource_events';

// Looked up at each use, not once at import: a process (a test) may register its provider after importing this.
const tracer = () => trace.getTracer('streamplane.stack-engine');

/**
 * The engine with a span around each run (`stack preview`, `stack up`, `stack destroy`, `stack refresh`): the
 * engine's kind, the stack, the operation, the result's change summary, a span event per failed resource,
 * and error status when the run throws. A child of the active span: the provisioner's job span.
 *
 * A Proxy rather than a wrapper class: everything that is not a run — `kind`, `simulated`, an engine's own
 * helpers such as PulumiStackEngine.runSpecFor — stays the engine's, and `instanceof` still tells which
 * engine it is. Without a registered tracer provider the spans are the API's no-ops.
 */
export function withStackEngineTracing<E extends StackEngine>(engine: E): E {
  return new Proxy(engine, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      // Bound to the engine itself, so its private state is reached as usual.
      const method = (value as (...args: unknown[]) => unknown).bind(target);
      return isRun(property) ? (request: StackRequest) => traced(target, property, request, method) : method;
    },
  });
}

function isRun(property: string | symbol): property is StackOperation {
  return (STACK_OPERATIONS as readonly (string | symbol)[]).includes(property);
}

function traced(
  engine: StackEngine,
  operation: StackOperation,
  request: StackRequest,
  run: (request: StackRequest) => unknown,
): Promise<PreviewResult | StackRunResult> {
  const attributes: Attributes = {
    [ATTR_STACK_ENGINE]: engine.kind,
    [ATTR_STACK_SIMULATED]: engine.simulated,
    [ATTR_STACK_NAME]: request.stackName,
    [ATTR_STACK_OPERATION]: operation,
    [ATTR_DEPLOYMENT_ID]: request.input.deploymentId,
  };
  return tracer().startActiveSpan(
    `stack ${operation}`,
    { kind: SpanKind.INTERNAL, attributes },
    async (span) => {
      let events = 0;
      const onEvent: StackRequest['onEvent'] = (event) => {
        events += 1;
        if (event.state === 'failed') {
          span.addEvent('resource failed', {
            'streamplane.resource.urn': event.urn,
            'streamplane.resource.type': event.type,
            'streamplane.resource.operation': event.operation,
            ...(event.error ? { 'streamplane.resource.error': event.error } : {}),
          });
        }
        request.onEvent(event);
      };
      try {
        const result = (await run({ ...request, onEvent })) as PreviewResult | StackRunResult;
        recordResult(span, result);
        return result;
      } catch (error) {
        markFailed(span, error);
        throw error;
      } finally {
        span.setAttribute(ATTR_STACK_RESOURCE_EVENTS, events);
        span.end();
      }
    },
  );
}

function recordResult(span: Span, result: PreviewResult | StackRunResult): void {
  for (const [change, count] of Object.entries(result.summary) as [keyof ChangeSummary, number][]) {
    span.setAttribute(`${ATTR_STACK_SUMMARY_PREFIX}${change}`, count);
  }
  if ('plan' in result) span.setAttribute(ATTR_STACK_PLAN_STEPS, result.plan.length);
}
