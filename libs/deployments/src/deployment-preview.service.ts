import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '@streamplane/auth';
import { InjectConfig, type AppConfig } from '@streamplane/config';
import {
  estimateCostDelta,
  estimateMonthlyCost,
  parseDeploymentSpec,
  validateSpecChange,
  type CostDelta,
  type CostEstimate,
  type DeploymentSpec,
} from '@streamplane/deployment-spec';
import { parseInput } from '@streamplane/errors';
import type { PlannedResource, StackEngine } from '@streamplane/provisioning';
import { StackWorkloads, type StackWorkloadContribution } from './provisioning/stack-workloads';
import { randomUUID } from 'node:crypto';
import { specOf } from './deployment-columns';
import { DeploymentsService } from './deployments.service';
import { DeploymentChangeInput, type DeploymentChange } from './dto/deployment.inputs';

/** The StackEngine previews run on: the local engine builds the exact resource graph of the real program. */
export const PREVIEW_ENGINE = Symbol('PREVIEW_ENGINE');

/** A placeholder for the agent's token: a preview plans resources, it never deploys the agent. */
const PREVIEW_AGENT = { image: 'streamplane/agent:preview', token: 'preview-only-not-a-token' };

export interface DeploymentPreview {
  spec: DeploymentSpec;
  resources: PlannedResource[];
  simulated: boolean;
  cost: CostEstimate;
}

export interface ChangePreview {
  current: DeploymentSpec;
  next: DeploymentSpec;
  /** Resources the change adds and removes (by URN), and how many stay. */
  added: PlannedResource[];
  removed: PlannedResource[];
  unchanged: number;
  /** Spec fields whose value changes. */
  changedFields: { field: string; from: string; to: string }[];
  cost: CostDelta;
}

/** Previews: nothing is written and nothing is enqueued. */
@Injectable()
export class DeploymentPreviewService {
  constructor(
    @Inject(PREVIEW_ENGINE) private readonly engine: StackEngine,
    private readonly deployments: DeploymentsService,
    @InjectConfig() private readonly config: AppConfig,
    private readonly workloads: StackWorkloads,
  ) {}

  async preview(_principal: Principal, rawSpec: unknown): Promise<DeploymentPreview> {
    const spec = parseDeploymentSpec(rawSpec);
    const resources = await this.plan(spec);
    return { spec, resources, simulated: this.engine.simulated, cost: estimateMonthlyCost(spec) };
  }

  async previewChange(
    principal: Principal,
    deploymentId: string,
    rawChange: DeploymentChange,
  ): Promise<ChangePreview> {
    const change = parseInput(DeploymentChangeInput, rawChange);
    const deployment = await this.deployments.get(principal, deploymentId);
    const current = specOf(deployment);
    const next = parseDeploymentSpec({ ...current, ...change });
    validateSpecChange(current, next);
    // The deployment's workloads (pipelines) as they are applied: on both sides, like every real run.
    const workloads = await this.workloads.contributions(deployment, null);
    const [before, after] = [await this.plan(current, workloads), await this.plan(next, workloads)];
    const beforeUrns = new Set(before.map((r) => r.urn));
    const afterUrns = new Set(after.map((r) => r.urn));
    return {
      current,
      next,
      added: after.filter((r) => !beforeUrns.has(r.urn)),
      removed: before.filter((r) => !afterUrns.has(r.urn)),
      unchanged: after.filter((r) => beforeUrns.has(r.urn)).length,
      changedFields: (Object.keys(next) as (keyof DeploymentSpec)[])
        .filter((field) => JSON.stringify(current[field]) !== JSON.stringify(next[field]))
        .map((field) => ({ field, from: textOf(current[field]), to: textOf(next[field]) })),
      cost: estimateCostDelta(current, next),
    };
  }

  /** The resources a fresh stack for `spec` would get, in the order an `up` would create them. */
  private async plan(
    spec: DeploymentSpec,
    workloads: StackWorkloadContribution = {},
  ): Promise<PlannedResource[]> {
    const deploymentId = randomUUID();
    const result = await this.engine.preview({
      stackName: `preview-${deploymentId}`,
      input: {
        deploymentId,
        spec,
        agent: { ...PREVIEW_AGENT, controlPlaneUrl: this.config.http.publicUrl },
        ...workloads,
      },
      onEvent: () => undefined,
    });
    return result.plan;
  }
}

function textOf(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
