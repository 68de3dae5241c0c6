import { Parent, ResolveField, Resolver } from '@nestjs/graphql';
import type { Principal } from '@streamplane/auth';
import { ConnectedAssetsService, PipelinesService } from '@streamplane/pipelines';
import { CurrentPrincipal } from '../../auth/access.decorators';
import { DeploymentModel } from '../models/deployment.model';
import { ConnectedAssetsModel, PipelineModel } from '../models/pipeline.model';
import { pipelineModel } from './pipeline-mapping';

/** What a deployment has of pipelines: read through the pipelines service, scoped by the principal. */
@Resolver(() => DeploymentModel)
export class DeploymentPipelinesResolver {
  constructor(
    private readonly service: PipelinesService,
    private readonly assets: ConnectedAssetsService,
  ) {}

  @ResolveField(() => [PipelineModel], { description: 'Its pipelines that are not deleted, oldest first.' })
  async pipelines(@CurrentPrincipal() principal: Principal, @Parent() deployment: DeploymentModel) {
    return (await this.service.list(principal, deployment.id)).map(pipelineModel);
  }

  @ResolveField(() => ConnectedAssetsModel, {
    description: 'Distinct devices its MQTT sources saw this month (the connected_assets meter).',
  })
  connectedAssets(@CurrentPrincipal() principal: Principal, @Parent() deployment: DeploymentModel) {
    return this.assets.thisPeriod(principal.orgId, deployment.id);
  }
}
