import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectConfig, type AppConfig } from '@streamplane/config';
import type { Deployment, Operation } from '@streamplane/db';
import {
  cancelledError,
  type StackEngine,
  type StackRequest,
  type StackRunResult,
} from '@streamplane/provisioning';
import { setTimeout as sleep } from 'node:timers/promises';
import { CLUSTER_HEALTH_PROBE, type ClusterHealthProbe } from '../health/cluster-health-probe';
import { judgeUpgradePreconditions } from '../health/upgrade-preconditions';
import type { OperationWithDeployment } from '../provisioning/operation-store';
import { STACK_ENGINE } from '../provisioning/stack-engine.provider';
import { ContinuingEventSequence, combineRunResults, planKafkaUpgrade } from './upgrade-phases';
import { UpgradeRunCode, UpgradeRunError } from './upgrade-run.codes';
import { UpgradeRunStore } from './upgrade-run-store';
import { preconditionsNotMet, startOrWait, windowEnded } from './upgrade-start';

/** Before an UPGRADE starts: go on, wait (nothing rolled), or it ended without touching anything. */
export type UpgradeGate =
  | { kind: 'start' }
  | { kind: 'wait'; until: Date; reason: string; noted: Operation | undefined }
  | { kind: 'closed'; code: string; message: string; ended: OperationWithDeployment | undefined };

/** How often the brokers' readiness is looked at after phase 1 (at most; never past the timeout). */
const READY_POLL_MS = 5_000;

/**
 * The Kafka-specific part of an UPGRADE operation (OperationRunner does the rest): the preconditions and
 * maintenance window before anything is rolled, and the two phases of the roll itself (upgrade-phases.ts).
 */
@Injectable()
export class KafkaUpgradeRun {
  private readonly logger = new Logger(KafkaUpgradeRun.name);

  constructor(
    @Inject(STACK_ENGINE) private readonly engine: StackEngine,
    @Inject(CLUSTER_HEALTH_PROBE) private readonly probe: ClusterHealthProbe,
    private readonly store: UpgradeRunStore,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /**
   * Only for an operation that has never started: once a run began rolling, a resumed run must finish the
   * job whatever the window says. A retry (someone asked for it now) skips the window and the checks: it
   * usually follows a roll that failed part-way, and is what repairs it.
   */
  async gate(operation: Operation, deployment: Deployment, now = new Date()): Promise<UpgradeGate> {
    if (operation.startedAt) return { kind: 'start' };
    const proposal = await this.store.proposalOf(operation);
    if (!proposal?.open) {
      const state = proposal?.state ?? 'gone';
      return this.close(operation, deployment, now, {
        code: UpgradeRunCode.PROPOSAL_CLOSED,
        message: `This upgrade's proposal is ${state}; approve the newer proposal instead. Nothing was changed.`,
      });
    }
    if (operation.retryOfId || !proposal.windowEnd) return { kind: 'start' };

    const ended = windowEnded(now, proposal.windowEnd, {
      code: operation.errorCode,
      message: operation.errorMessage,
    });
    if (ended) return this.close(operation, deployment, now, ended);

    const verdict = judgeUpgradePreconditions(await this.probe.probe(deployment));
    const decision = startOrWait(
      verdict,
      now,
      proposal.windowEnd,
      this.config.provisioning.upgrades.preconditionRetrySeconds * 1000,
    );
    if (decision.kind !== 'wait') return { kind: 'start' };
    const noted = await this.store.noteWaiting(
      operation,
      UpgradeRunCode.WAITING_FOR_PRECONDITIONS,
      decision.message,
    );
    return { kind: 'wait', until: decision.until, reason: decision.message, noted };
  }

  /**
   * Phase 1 (brokers to the new version, metadata version pinned to the old one's), the brokers ready
   * again, phase 2 (the metadata version moves forward). Phase 1 is skipped once it is recorded done, so a
   * resumed run never moves the metadata version back.
   */
  async roll(operation: Operation, request: StackRequest): Promise<StackRunResult> {
    const proposal = await this.store.proposalOf(operation);
    const toVersion = request.input.spec.kafkaVersion;
    // The proposal's `fromVersion`, not `input.previousSpec`: a retry's previous spec is already the new one.
    const plan = planKafkaUpgrade(proposal?.fromVersion ?? toVersion, toVersion);
    const sequence = new ContinuingEventSequence(request.onEvent);
    const results: StackRunResult[] = [];
    if (plan.pinned) {
      if (!proposal?.brokersRolledAt) {
        results.push(
          await this.engine.up({
            ...request,
            input: { ...request.input, kafkaMetadataVersion: plan.pinned },
            onEvent: sequence.nextRun(),
          }),
        );
        if (proposal) await this.store.markBrokersRolled(proposal.id, new Date());
      }
      await this.brokersReady(operation, request, plan.pinned);
    }
    results.push(
      await this.engine.up({
        ...request,
        // Phase 1 of this run already took over what an interrupted run left behind.
        previousRunInterrupted: results.length === 0 && request.previousRunInterrupted,
        onEvent: sequence.nextRun(),
      }),
    );
    return combineRunResults(results);
  }

  /** Waits for a healthy report taken after the roll; fails the upgrade (before phase 2) after the timeout. */
  private async brokersReady(operation: Operation, request: StackRequest, pinned: string): Promise<void> {
    const { signal } = request;
    const deployment = { id: operation.deploymentId, brokers: request.input.spec.brokers };
    const since = new Date();
    const deadline = since.getTime() + this.config.provisioning.upgrades.brokersReadyTimeoutSeconds * 1000;
    for (;;) {
      if (signal?.aborted) throw cancelledError();
      const verdict = judgeUpgradePreconditions(await this.probe.probe(deployment), { observedSince: since });
      if (verdict.met) return;
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new UpgradeRunError(
          UpgradeRunCode.BROKERS_NOT_READY,
          `The brokers run the new Kafka version (metadata version still ${pinned}) but were not ready within ` +
            `${this.config.provisioning.upgrades.brokersReadyTimeoutSeconds} s: ` +
            `${preconditionsNotMet(verdict.problems)}. Retry the operation to finish the upgrade.`,
        );
      }
      this.logger.log({ operationId: operation.id, problems: verdict.problems }, 'Waiting for brokers');
      await sleep(Math.min(READY_POLL_MS, left), undefined, { signal }).catch(() => undefined);
    }
  }

  private async close(
    operation: Operation,
    deployment: Deployment,
    now: Date,
    outcome: { code: string; message: string },
  ): Promise<UpgradeGate> {
    const previous = (operation.input as { previousSpec?: { kafkaVersion?: string } } | null)?.previousSpec;
    const stillOn = previous?.kafkaVersion ?? deployment.kafkaVersion;
    const ended = await this.store.closeUnstarted(
      operation,
      {
        ...outcome,
        deploymentMessage: `The Kafka upgrade did not run: ${outcome.message} Still on Kafka ${stillOn}; a new proposal will follow.`,
      },
      now,
    );
    return { kind: 'closed', code: outcome.code, message: outcome.message, ended };
  }
}
