import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '@streamplane/auth';
import { PrismaService, ReplicationLinkStatus, type Deployment, type ReplicationLink } from '@streamplane/db';
import { parseInput } from '@streamplane/errors';
import { z } from 'zod';
import {
  directionHealth,
  switchPrechecks,
  type PrecheckResult,
  type ReplicationThresholds,
} from './health/replication-health';
import { ReplicationHealthStore } from './health/replication-health-store';
import { clientSettingsFor, type ClientSettings } from './lifecycle/client-settings';
import { inProgressStatusOf, settledStatusOf } from './lifecycle/replication-lifecycle';
import {
  ReplicationLinkChanges,
  appendStep,
  type QueuedOperations,
} from './lifecycle/replication-link-changes';
import { ReplicationError, ReplicationErrorCode as Code } from './replication.errors';
import { REPLICATION_THRESHOLDS, assertCanBeSource, type LinkChange } from './replication-links.service';
import {
  FailbackInput,
  FailoverInput,
  type FailbackRequest,
  type FailoverRequest,
} from './spec/replication-inputs';
import {
  parseApplied,
  parseLinkSpec,
  type ReplicationFlow,
  type ReplicationLinkSpec,
  type ReplicationStep,
} from './spec/replication-link-spec';

/** A failover or failback step's result: the link, what was checked, and where clients should go now. */
export interface SwitchResult extends LinkChange {
  prechecks: PrecheckResult[];
  /** True when the customer forced the switch past failed pre-checks. */
  forced: boolean;
  clientSettings: ClientSettings;
  /** What the customer does next, in a sentence. */
  nextStep: string;
}

interface Plan {
  spec: ReplicationLinkSpec;
  /** Deployments whose stacks change (empty: nothing to run, the link settles at once). */
  deployments: Deployment[];
  activeDeploymentId: string;
  detail: string;
  nextStep: string;
}

/**
 * Guided failover and failback (ARCHITECTURE: every step an operation through the queue plus an audit entry).
 *
 * One-way: failover checks the standby caught up (fresh health, lag and checkpoint age within bounds; `force`
 * overrides, recorded), pauses its MirrorMaker 2 so nothing from the old primary lands on it any more, and
 * points clients at it. Failback first reverses mirroring (new active → old primary); once the old primary
 * reports it caught up, a second failback call moves clients back and restores the original direction.
 * Two-way: both directions keep running, failover only moves the clients (pausing the direction from the
 * failed region when it is unreachable); failback resumes that direction and moves the clients back once
 * the old primary caught up.
 */
@Injectable()
export class ReplicationFailoverService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly changes: ReplicationLinkChanges,
    private readonly healthStore: ReplicationHealthStore,
    @Inject(REPLICATION_THRESHOLDS) private readonly thresholds: ReplicationThresholds,
  ) {}

  async failover(principal: Principal, linkId: string, raw: FailoverRequest = {}): Promise<SwitchResult> {
    parseInput(z.uuid(), linkId);
    const input = parseInput(FailoverInput, raw);
    return this.switchClients(
      principal,
      linkId,
      'replication_link.failover',
      input.force,
      (link, spec, ends) => {
        if (link.status !== ReplicationLinkStatus.ACTIVE) throw notAllowed(link, 'failed over');
        const { source, target } = ends;
        const direction = flowOf(spec, source.id, target.id);
        if (link.mode === 'ONE_WAY') {
          return {
            checkFlow: direction,
            plan: {
              spec: { ...spec, flows: [{ ...direction, paused: true }], action: 'FAILOVER' },
              deployments: [target],
              activeDeploymentId: target.id,
              detail: `Mirroring into ${target.name} paused; clients move to ${target.name}.`,
              nextStep: `Move clients to ${target.name}. When ${source.name} is back, call failbackReplicationLink to mirror back to it.`,
            },
          };
        }
        const flows = spec.flows.map((flow) =>
          input.sourceUnreachable && flow.from === source.id ? { ...flow, paused: true } : flow,
        );
        return {
          checkFlow: direction,
          plan: {
            spec: { ...spec, flows, action: 'FAILOVER' },
            deployments: input.sourceUnreachable ? [target] : [],
            activeDeploymentId: target.id,
            detail: input.sourceUnreachable
              ? `${source.name} unreachable: mirroring from it paused; clients move to ${target.name}.`
              : `Clients move to ${target.name}; both directions keep mirroring.`,
            nextStep: `Move clients to ${target.name}. Call failbackReplicationLink to move them back to ${source.name}.`,
          },
        };
      },
    );
  }

  async failback(principal: Principal, linkId: string, raw: FailbackRequest = {}): Promise<SwitchResult> {
    parseInput(z.uuid(), linkId);
    const input = parseInput(FailbackInput, raw);
    return this.switchClients(
      principal,
      linkId,
      'replication_link.failback',
      input.force,
      (link, spec, ends) => {
        const { source, target } = ends;
        const original = { from: source.id, to: target.id, paused: false };
        const back = { from: target.id, to: source.id, paused: false };
        if (link.mode === 'TWO_WAY') {
          if (link.status !== ReplicationLinkStatus.FAILED_OVER) throw notAllowed(link, 'failed back');
          const paused = spec.flows.some((flow) => flow.paused);
          return {
            checkFlow: flowOf(spec, target.id, source.id),
            plan: {
              spec: {
                ...spec,
                flows: spec.flows.map((flow) => ({ ...flow, paused: false })),
                action: 'RESUME',
              },
              deployments: paused ? [target] : [],
              activeDeploymentId: source.id,
              detail: `Clients move back to ${source.name}${paused ? `; mirroring from ${source.name} resumes` : ''}.`,
              nextStep: `Move clients back to ${source.name}.`,
            },
          };
        }
        if (link.status === ReplicationLinkStatus.FAILED_OVER) {
          // First half: the old primary becomes a mirror of the new active side; clients stay where they are.
          assertCanBeSource(target);
          return {
            checkFlow: null,
            plan: {
              spec: { ...spec, flows: [back], action: 'FAILBACK_REVERSE' },
              deployments: [target, source],
              activeDeploymentId: target.id,
              detail: `Mirroring reversed: ${target.name} → ${source.name}, until ${source.name} has caught up.`,
              nextStep: `Keep clients on ${target.name}. Once ${source.name} reports it caught up (health HEALTHY), stop producers and call failbackReplicationLink again to move clients back.`,
            },
          };
        }
        if (
          link.status === ReplicationLinkStatus.FAILING_BACK &&
          spec.action === 'FAILBACK_REVERSE' &&
          settled(link, spec)
        ) {
          return {
            checkFlow: flowOf(spec, target.id, source.id),
            plan: {
              spec: { ...spec, flows: [original], action: 'FAILBACK_RESTORE' },
              deployments: [source, target],
              activeDeploymentId: source.id,
              detail: `Clients move back to ${source.name}; mirroring ${source.name} → ${target.name} restored.`,
              nextStep: `Move clients back to ${source.name}.`,
            },
          };
        }
        throw notAllowed(link, 'failed back');
      },
    );
  }

  /** Where clients should be now, for the API's link view. */
  async clientSettings(link: ReplicationLink): Promise<ClientSettings> {
    const spec = parseLinkSpec(link.spec);
    const deployments = await this.prisma.deployment.findMany({
      where: { orgId: link.orgId, id: { in: [link.sourceDeploymentId, link.targetDeploymentId] } },
    });
    const active = deployments.find((d) => d.id === link.activeDeploymentId)!;
    const other = deployments.find((d) => d.id !== link.activeDeploymentId)!;
    return clientSettingsFor(active, other, link.topicNaming, spec.topics);
  }

  private async switchClients(
    principal: Principal,
    linkId: string,
    auditAction: string,
    force: boolean,
    decide: (
      link: ReplicationLink,
      spec: ReplicationLinkSpec,
      ends: { source: Deployment; target: Deployment },
    ) => { checkFlow: ReplicationFlow | null; plan: Plan },
  ): Promise<SwitchResult> {
    const result = await this.changes.guarded(() =>
      this.prisma.$transaction(async (tx) => {
        const link = await this.changes.lockLink(tx, principal.orgId, linkId);
        const locked = await this.changes.lockDeployments(tx, principal.orgId, [
          link.sourceDeploymentId,
          link.targetDeploymentId,
        ]);
        const ends = {
          source: locked.get(link.sourceDeploymentId)!,
          target: locked.get(link.targetDeploymentId)!,
        };
        const spec = parseLinkSpec(link.spec);
        const { checkFlow, plan } = decide(link, spec, ends);
        // Only the deployments whose stacks change must be idle: in a disaster the failed side may have an
        // operation that never ends, and must not hold the failover up.
        await this.changes.assertIdle(tx, link.id, plan.deployments);
        this.changes.assertRunning(plan.deployments);

        const prechecks = checkFlow ? await this.prechecks(link.id, checkFlow) : [];
        const failed = prechecks.filter((check) => !check.passed);
        if (failed.length > 0 && !force) {
          throw new ReplicationError(
            Code.FAILOVER_PRECHECKS_FAILED,
            `Pre-checks failed: ${failed.map((check) => `${check.check} (${check.detail})`).join('; ')}. ` +
              'Wait for mirroring to catch up, or repeat with force: true to switch anyway (records not yet mirrored are not on the other side).',
            failed.map((check) => ({ field: 'prechecks', code: check.check, message: check.detail })),
          );
        }

        const generation = link.generation + 1;
        const next: ReplicationLinkSpec = {
          ...plan.spec,
          operationDeployments: plan.deployments.map((d) => d.id),
        };
        const now = new Date().toISOString();
        const steps: ReplicationStep[] = [];
        if (checkFlow) {
          steps.push({
            at: now,
            action: 'PRECHECKS',
            detail:
              failed.length === 0
                ? 'All pre-checks passed.'
                : `Forced past failed pre-checks: ${failed.map((check) => check.check).join(', ')}.`,
            actor: principal.userId,
          });
        }
        steps.push({ at: now, action: plan.spec.action, detail: plan.detail, actor: principal.userId });
        if (plan.activeDeploymentId !== link.activeDeploymentId) {
          const to = plan.activeDeploymentId === ends.source.id ? ends.source : ends.target;
          steps.push({
            at: now,
            action: 'SWITCH_CLIENTS',
            detail: `Clients should now use ${to.name}.`,
            actor: principal.userId,
          });
        }
        const nothingToRun = plan.deployments.length === 0;
        const stepsJson = steps.reduce<unknown>(
          (list, step) => appendStep(list, step),
          link.steps,
        ) as ReturnType<typeof appendStep>;
        const updated = await tx.replicationLink.update({
          where: { id: link.id },
          data: {
            spec: next,
            generation,
            activeDeploymentId: plan.activeDeploymentId,
            status: nothingToRun ? settledStatusOf(next.action) : inProgressStatusOf(next.action),
            statusMessage: plan.nextStep,
            steps: stepsJson,
            // Nothing runs: every side's applied state moves to this generation's.
            ...(nothingToRun ? { applied: appliedAll(link, next, generation) } : {}),
          },
        });
        const queued: QueuedOperations = await this.changes.writeOperations(
          tx,
          principal,
          link,
          generation,
          next,
          plan.deployments,
        );
        await this.changes.record(tx, principal, {
          action: auditAction,
          targetType: 'ReplicationLink',
          targetId: link.id,
          metadata: {
            generation,
            action: next.action,
            detail: plan.detail,
            forced: failed.length > 0,
            failedPrechecks: failed.map((check) => check.check).join(',') || null,
            activeDeploymentId: plan.activeDeploymentId,
            operationIds: queued.map((q) => q.operation.id).join(',') || null,
          },
        });
        const active = plan.activeDeploymentId === ends.source.id ? ends.source : ends.target;
        const other = active === ends.source ? ends.target : ends.source;
        return {
          link: updated,
          queued,
          prechecks,
          forced: failed.length > 0,
          clientSettings: clientSettingsFor(active, other, link.topicNaming, next.topics),
          nextStep: plan.nextStep,
        };
      }),
    );
    await this.changes.dispatch(result.queued);
    const { queued, ...rest } = result;
    return { ...rest, operations: queued.map((q) => q.operation) };
  }

  private async prechecks(linkId: string, flow: ReplicationFlow): Promise<PrecheckResult[]> {
    const reports = await this.healthStore.read(linkId);
    return switchPrechecks(
      directionHealth(flow, reports.get(flow.from), new Date(), this.thresholds),
      this.thresholds,
    );
  }
}

function flowOf(spec: ReplicationLinkSpec, from: string, to: string): ReplicationFlow {
  return spec.flows.find((flow) => flow.from === from && flow.to === to) ?? { from, to, paused: false };
}

/** Every deployment of the last action applied its generation (its operations all succeeded). */
function settled(link: ReplicationLink, spec: ReplicationLinkSpec): boolean {
  const applied = parseApplied(link.applied);
  return spec.operationDeployments.every((id) => applied[id]?.generation === link.generation);
}

function appliedAll(link: ReplicationLink, spec: ReplicationLinkSpec, generation: number) {
  const applied = parseApplied(link.applied);
  for (const id of [link.sourceDeploymentId, link.targetDeploymentId]) applied[id] = { generation, spec };
  return applied;
}

function notAllowed(link: ReplicationLink, what: string): ReplicationError {
  return new ReplicationError(
    Code.LINK_NOT_CHANGEABLE,
    `The link is ${link.status} and cannot be ${what} now.`,
  );
}
