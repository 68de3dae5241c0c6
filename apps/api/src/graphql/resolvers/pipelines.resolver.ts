import { Args, ID, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { Principal } from '@streamplane/auth';
import {
  PipelineCheckpointStore,
  PipelinesService,
  stageCatalog,
  type PipelineChange,
} from '@streamplane/pipelines';
import { AnyMember, CurrentPrincipal, RequireRole } from '../../auth/access.decorators';
import { OperationModel } from '../models/deployment.model';
import { Role } from '../models/enums';
import {
  CreatePipelineInput,
  PipelineModel,
  PipelineStageCheckpointModel,
  PipelineStageKindModel,
  PipelineTotalsModel,
  PipelineWithOperationModel,
  UpdatePipelineInput,
} from '../models/pipeline.model';
import { operationModel } from './deployments.resolver';
import { checkpointModel, pipelineModel, specFromInput, totalsOf } from './pipeline-mapping';

/** Thin: GraphQL shapes to the domain's, one service call, rows to models. VIEWERs read, MEMBERs change. */
@Resolver(() => PipelineModel)
export class PipelinesResolver {
  constructor(
    private readonly service: PipelinesService,
    private readonly checkpointStore: PipelineCheckpointStore,
  ) {}

  @AnyMember()
  @Query(() => [PipelineModel], {
    description: 'The deployment’s pipelines that are not deleted, oldest first.',
  })
  async pipelines(
    @CurrentPrincipal() principal: Principal,
    @Args('deploymentId', { type: () => ID }) deploymentId: string,
  ) {
    return (await this.service.list(principal, deploymentId)).map(pipelineModel);
  }

  @AnyMember()
  @Query(() => PipelineModel, { description: 'One pipeline of your organization (also a DELETED one).' })
  async pipeline(
    @CurrentPrincipal() principal: Principal,
    @Args('pipelineId', { type: () => ID }) pipelineId: string,
  ) {
    return pipelineModel(await this.service.get(principal, pipelineId));
  }

  @AnyMember()
  @Query(() => [PipelineStageKindModel], {
    description: 'The stage kinds a pipeline can use, with their options.',
  })
  pipelineStageCatalog(): PipelineStageKindModel[] {
    return stageCatalog();
  }

  @RequireRole(Role.MEMBER)
  @Mutation(() => PipelineWithOperationModel, {
    description:
      'Saves a pipeline as a DRAFT, or (deploy: true) deploys it at once with a PIPELINE operation.',
  })
  async createPipeline(@CurrentPrincipal() principal: Principal, @Args('input') input: CreatePipelineInput) {
    return changeModel(
      await this.service.create(principal, {
        deploymentId: input.deploymentId,
        spec: specFromInput(input.spec),
        deploy: input.deploy,
      }),
    );
  }

  @RequireRole(Role.MEMBER)
  @Mutation(() => PipelineWithOperationModel, {
    description: 'A new desired spec: a DRAFT is saved; a deployed pipeline rolls to it (UPDATING).',
  })
  async updatePipeline(
    @CurrentPrincipal() principal: Principal,
    @Args('pipelineId', { type: () => ID }) pipelineId: string,
    @Args('spec') spec: UpdatePipelineInput,
  ) {
    return changeModel(await this.service.update(principal, pipelineId, specFromInput(spec)));
  }

  @RequireRole(Role.MEMBER)
  @Mutation(() => PipelineWithOperationModel, {
    description: 'Deploys a DRAFT, or applies a FAILED pipeline’s desired state again.',
  })
  async deployPipeline(
    @CurrentPrincipal() principal: Principal,
    @Args('pipelineId', { type: () => ID }) pipelineId: string,
  ) {
    return changeModel(await this.service.deploy(principal, pipelineId));
  }

  @RequireRole(Role.MEMBER)
  @Mutation(() => PipelineWithOperationModel, {
    description: 'Stops every stage runner (0 replicas); topics, users and offsets stay.',
  })
  async pausePipeline(
    @CurrentPrincipal() principal: Principal,
    @Args('pipelineId', { type: () => ID }) pipelineId: string,
  ) {
    return changeModel(await this.service.pause(principal, pipelineId));
  }

  @RequireRole(Role.MEMBER)
  @Mutation(() => PipelineWithOperationModel, { description: 'Starts a PAUSED pipeline again.' })
  async resumePipeline(
    @CurrentPrincipal() principal: Principal,
    @Args('pipelineId', { type: () => ID }) pipelineId: string,
  ) {
    return changeModel(await this.service.resume(principal, pipelineId));
  }

  @RequireRole(Role.MEMBER)
  @Mutation(() => PipelineWithOperationModel, {
    description:
      'Removes the pipeline’s runners and users. Its topics stay in the cluster unless deleteTopics, which takes ' +
      'two PIPELINE operations: the first removes the runners and users and releases the topics, the second ' +
      'deletes them (the pipeline stays DELETING until then). A pipeline never deployed is DELETED at once.',
  })
  async deletePipeline(
    @CurrentPrincipal() principal: Principal,
    @Args('pipelineId', { type: () => ID }) pipelineId: string,
    @Args('deleteTopics', { type: () => Boolean, nullable: true, defaultValue: false })
    deleteTopics?: boolean | null,
  ) {
    return changeModel(await this.service.delete(principal, pipelineId, deleteTopics ?? false));
  }

  @ResolveField(() => [OperationModel], { description: 'The pipeline’s operations, newest first.' })
  async operations(
    @CurrentPrincipal() principal: Principal,
    @Parent() pipeline: PipelineModel,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 20 }) first?: number | null,
  ) {
    return (await this.service.operations(principal, pipeline.id, first ?? 20)).map(operationModel);
  }

  @ResolveField(() => [PipelineStageCheckpointModel], {
    description: 'Each stage’s latest checkpoint, in stage order (stages without a report are left out).',
  })
  async checkpoints(@Parent() pipeline: PipelineModel) {
    const checkpoints = await this.checkpointStore.read(pipeline.id);
    return pipeline.stages.flatMap((stage) => {
      const checkpoint = checkpoints.get(stage.name);
      return checkpoint ? [checkpointModel(checkpoint)] : [];
    });
  }

  @ResolveField(() => PipelineTotalsModel, { description: 'Throughput (at the sink) and total lag.' })
  async totals(@Parent() pipeline: PipelineModel) {
    return totalsOf(pipeline, await this.checkpointStore.read(pipeline.id));
  }
}

function changeModel(change: PipelineChange): PipelineWithOperationModel {
  return {
    pipeline: pipelineModel(change.pipeline),
    operation: change.operation ? operationModel(change.operation) : null,
  };
}
