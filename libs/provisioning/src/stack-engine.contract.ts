import type { Cloud } from '@streamplane/deployment-spec';
import type { ProgramInput } from '@streamplane/infra';
import { ProvisioningError, ProvisioningErrorCode } from './provisioning.errors';
import { SecretValue } from './secret-value';
import type { CloudCredentials, ResourceEvent, StackEngine, StackRequest } from './stack-engine';

/**
 * The behaviour every StackEngine owes the provisioner, as a jest suite to run against each engine:
 * `describeStackEngineContract('local', () => subject)`. Request validation runs everywhere; the lifecycle
 * needs a working engine and is reported as not run — with the reason — when the subject says it has none.
 */
export interface StackEngineContractSubject {
  engine: StackEngine;
  /** The program input for a deployment on this cloud. */
  input(cloud: Cloud): ProgramInput;
  credentials(cloud: Cloud): CloudCredentials;
  /** The clouds to run the lifecycle on. */
  clouds: Cloud[];
  /** Set when the lifecycle cannot run here (no Pulumi CLI, no cloud): why. */
  unavailable?: string;
  /** Generous for a real cloud. Default 20 s. */
  timeoutMs?: number;
}

const PROGRAM_OUTPUTS = ['clusterName', 'bootstrapInternal', 'bootstrapExternal', 'grafanaUrl', 'kubeconfig'];

export function describeStackEngineContract(
  name: string,
  makeSubject: () => StackEngineContractSubject,
): void {
  describe(`StackEngine contract: ${name}`, () => {
    const subject = makeSubject();
    const timeout = subject.timeoutMs ?? 20_000;
    let counter = 0;
    const stackName = (label: string) => `contract-${label}-${process.pid}-${(counter += 1)}`;
    const request = (stack: string, cloud: Cloud, extra: Partial<StackRequest> = {}) => {
      const events: ResourceEvent[] = [];
      const req: StackRequest & { events: ResourceEvent[] } = {
        stackName: stack,
        input: subject.input(cloud),
        credentials: subject.credentials(cloud),
        onEvent: (event) => events.push(event),
        events,
        ...extra,
      };
      return req;
    };
    const errorOf = async (promise: Promise<unknown>): Promise<ProvisioningError> => {
      const error = await promise.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ProvisioningError);
      return error as ProvisioningError;
    };
    const [firstCloud] = subject.clouds;

    describe('requests it must refuse before doing anything', () => {
      it('a stack name that is not a Pulumi stack name: INVALID_REQUEST, no events', async () => {
        const req = request('../../etc/passwd', firstCloud);
        expect((await errorOf(subject.engine.up(req))).code).toBe(ProvisioningErrorCode.INVALID_REQUEST);
        expect(req.events).toEqual([]);
      });

      it('credentials for another cloud: INVALID_REQUEST', async () => {
        const other: Cloud = firstCloud === 'azure' ? 'aws' : 'azure';
        const req = request(stackName('wrong-cloud'), firstCloud, {
          credentials: subject.credentials(other),
        });
        expect((await errorOf(subject.engine.up(req))).code).toBe(ProvisioningErrorCode.INVALID_REQUEST);
      });

      it('a signal that already fired: CANCELLED, no events', async () => {
        const controller = new AbortController();
        controller.abort();
        const req = request(stackName('aborted'), firstCloud, { signal: controller.signal });
        expect((await errorOf(subject.engine.up(req))).code).toBe(ProvisioningErrorCode.CANCELLED);
        expect(req.events).toEqual([]);
      });
    });

    describe('lifecycle', () => {
      if (subject.unavailable) {
        // A clear condition, printed: these tests need a working engine this machine does not have.
        console.warn(`[StackEngine contract: ${name}] lifecycle not run: ${subject.unavailable}`);
        it.skip(`(not run: ${subject.unavailable})`, () => undefined);
        return;
      }

      for (const cloud of subject.clouds) {
        describe(cloud, () => {
          const stack = stackName(cloud);
          let created: string[] = [];
          let upOutputs: Record<string, unknown> = {};

          it('destroy or refresh of a stack that was never created: STACK_NOT_FOUND', async () => {
            expect((await errorOf(subject.engine.destroy(request(stack, cloud)))).code).toBe(
              ProvisioningErrorCode.STACK_NOT_FOUND,
            );
            expect((await errorOf(subject.engine.refresh(request(stack, cloud)))).code).toBe(
              ProvisioningErrorCode.STACK_NOT_FOUND,
            );
          });

          it(
            'up creates the stack: numbered events, parents first, secret outputs kept secret',
            async () => {
              const req = request(stack, cloud);
              const result = await subject.engine.up(req);

              expect(req.events.map((e) => e.sequence)).toEqual(req.events.map((_e, i) => i + 1));
              created = succeeded(req.events, 'create');
              expect(created.length).toBeGreaterThan(0);
              expect(result.summary.created).toBe(created.length);
              for (const urn of created) {
                const states = req.events.filter((e) => e.urn === urn).map((e) => e.state);
                expect(states.indexOf('in_progress')).toBeLessThan(states.indexOf('succeeded'));
              }
              const done = new Map<string, number>();
              for (const event of req.events) {
                if (event.state === 'succeeded') done.set(event.urn, event.sequence);
                if (event.state === 'in_progress' && event.parentUrn && created.includes(event.parentUrn)) {
                  expect(done.get(event.parentUrn)).toBeLessThan(event.sequence);
                }
              }

              expect(result.simulated).toBe(subject.engine.simulated);
              expect(Object.keys(result.outputs)).toEqual(expect.arrayContaining(PROGRAM_OUTPUTS));
              expect(result.outputs.kubeconfig).toBeInstanceOf(SecretValue);
              const kubeconfig = (result.outputs.kubeconfig as SecretValue<string>).reveal();
              expect(kubeconfig.length).toBeGreaterThan(0);
              expect(JSON.stringify(result)).not.toContain(kubeconfig);
              upOutputs = { ...result.outputs };
            },
            timeout,
          );

          it(
            'preview after up plans no change',
            async () => {
              const req = request(stack, cloud);
              const result = await subject.engine.preview(req);
              expect(result.summary).toMatchObject({ created: 0, updated: 0, replaced: 0, deleted: 0 });
              expect(result.plan.every((step) => step.operation === 'same')).toBe(true);
              expect(result.plan.map((step) => step.urn).sort()).toEqual([...created].sort());
            },
            timeout,
          );

          it(
            'a second up changes nothing',
            async () => {
              const req = request(stack, cloud);
              const result = await subject.engine.up(req);
              expect(result.summary).toMatchObject({ created: 0, updated: 0, replaced: 0, deleted: 0 });
              expect(result.summary.same).toBe(created.length);
              expect(req.events.some((e) => e.state === 'in_progress')).toBe(false);
            },
            timeout,
          );

          it(
            'refresh reads every resource and keeps the outputs',
            async () => {
              const req = request(stack, cloud);
              const result = await subject.engine.refresh(req);
              expect(result.summary.same).toBe(created.length);
              for (const key of PROGRAM_OUTPUTS.filter((k) => k !== 'kubeconfig')) {
                expect(result.outputs[key]).toEqual(upOutputs[key]);
              }
            },
            timeout,
          );

          it(
            'a second operation while one is running: CONCURRENT_UPDATE, and the first is unharmed',
            async () => {
              const first = subject.engine.refresh(request(stack, cloud));
              const second = await errorOf(subject.engine.up(request(stack, cloud)));
              expect(second.code).toBe(ProvisioningErrorCode.CONCURRENT_UPDATE);
              expect(second.retryable).toBe(true);
              await expect(first).resolves.toMatchObject({ summary: { same: created.length } });
            },
            timeout,
          );

          it(
            'destroy deletes exactly what up created, children before their parents',
            async () => {
              const req = request(stack, cloud);
              const result = await subject.engine.destroy(req);
              const deleted = succeeded(req.events, 'delete');
              expect([...deleted].sort()).toEqual([...created].sort());
              expect(result.summary.deleted).toBe(created.length);
              expect(result.outputs).toEqual({});
              const deletedAt = new Map(
                req.events.filter((e) => e.state === 'succeeded').map((e) => [e.urn, e.sequence]),
              );
              for (const event of req.events.filter((e) => e.state === 'in_progress' && e.parentUrn)) {
                // The parent is deleted only after this child.
                expect(deletedAt.get(event.parentUrn!) ?? Infinity).toBeGreaterThan(event.sequence);
              }
              const again = await subject.engine.preview(request(stack, cloud));
              expect(again.summary.created).toBe(created.length);
            },
            timeout,
          );
        });
      }
    });
  });
}

function succeeded(events: ResourceEvent[], operation: ResourceEvent['operation']): string[] {
  return [
    ...new Set(events.filter((e) => e.operation === operation && e.state === 'succeeded').map((e) => e.urn)),
  ];
}
