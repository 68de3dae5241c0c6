import { Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import {
  CloudProvider,
  DeploymentStatus,
  OperationStatus,
  OperationType,
  UpgradeProposalState,
} from './enums';

export enum SpecCloud {
  AZURE = 'azure',
  AWS = 'aws',
}
export enum SpecClientAuthentication {
  SCRAM_SHA_512 = 'scram-sha-512',
  MTLS = 'mtls',
}
registerEnumType(SpecCloud, { name: 'Cloud' });
registerEnumType(SpecClientAuthentication, { name: 'ClientAuthentication' });

@InputType('ListenersInput')
export class ListenersInput {
  @Field(() => Boolean, { description: 'The in-cluster TLS listener; always on (must be true).' })
  internal!: boolean;
  @Field(() => Boolean, { description: 'A TLS listener exposed through cloud load balancers.' })
  external!: boolean;
}

@InputType('TagInput')
export class TagInput {
  @Field(() => String) key!: string;
  @Field(() => String) value!: string;
}

@InputType('DeploymentSpecInput', {
  description: 'What to order. Every rule is checked; each problem has a code.',
})
export class DeploymentSpecInput {
  @Field(() => String, { description: 'DNS label, 3..40 characters; names the cloud resources.' })
  name!: string;
  @Field(() => SpecCloud) cloud!: SpecCloud;
  @Field(() => String) region!: string;
  @Field(() => [String], { description: 'Exactly three distinct zones of the region.' })
  zones!: string[];
  @Field(() => String) kafkaVersion!: string;
  @Field(() => Int, { description: 'KRaft controllers: 3 or 5, fixed at creation.' })
  controllers!: number;
  @Field(() => Int) brokers!: number;
  @Field(() => String) nodeSize!: string;
  @Field(() => Int) storagePerBrokerGiB!: number;
  @Field(() => ListenersInput) listeners!: ListenersInput;
  @Field(() => SpecClientAuthentication) clientAuthentication!: SpecClientAuthentication;
  @Field(() => [TagInput], { nullable: true }) tags?: TagInput[] | null;
}

@InputType('CreateDeploymentInput')
export class CreateDeploymentInput {
  @Field(() => ID, { description: 'A VERIFIED cloud account of the spec’s cloud that allows its region.' })
  cloudAccountId!: string;
  @Field(() => DeploymentSpecInput) spec!: DeploymentSpecInput;
}

@InputType('DeploymentChangeInput', {
  description:
    'Only the fields given change. Controllers and zones are fixed at creation (refused: CONFLICT).',
})
export class DeploymentChangeInput {
  @Field(() => Int, { nullable: true }) brokers?: number | null;
  @Field(() => Int, { nullable: true }) storagePerBrokerGiB?: number | null;
  @Field(() => Int, { nullable: true }) controllers?: number | null;
  @Field(() => [String], { nullable: true }) zones?: string[] | null;
}

@InputType('MaintenanceWindowInput', { description: 'In the future, at least one hour long.' })
export class MaintenanceWindowInput {
  @Field(() => Date) start!: Date;
  @Field(() => Date) end!: Date;
}

@InputType('PageInput')
export class PageInput {
  @Field(() => Int, { nullable: true, defaultValue: 50 }) first?: number;
  @Field(() => String, { nullable: true }) after?: string | null;
}

@ObjectType('Tag')
export class TagModel {
  @Field(() => String) key!: string;
  @Field(() => String) value!: string;
}

@ObjectType('DeploymentSpec')
export class DeploymentSpecModel {
  @Field(() => String) name!: string;
  @Field(() => SpecCloud) cloud!: SpecCloud;
  @Field(() => String) region!: string;
  @Field(() => [String]) zones!: string[];
  @Field(() => String) kafkaVersion!: string;
  @Field(() => Int) controllers!: number;
  @Field(() => Int) brokers!: number;
  @Field(() => String) nodeSize!: string;
  @Field(() => Int) storagePerBrokerGiB!: number;
  @Field(() => Boolean) externalListener!: boolean;
  @Field(() => SpecClientAuthentication) clientAuthentication!: SpecClientAuthentication;
  @Field(() => [TagModel]) tags!: TagModel[];
}

@ObjectType('DeploymentOutputs', { description: 'What clients connect to. No secrets.' })
export class DeploymentOutputsModel {
  @Field(() => String, { nullable: true }) clusterName!: string | null;
  @Field(() => String, { nullable: true }) bootstrapInternal!: string | null;
  @Field(() => String, { nullable: true }) bootstrapExternal!: string | null;
  @Field(() => String, { nullable: true }) grafanaUrl!: string | null;
}

@ObjectType('ResourceEvent')
export class ResourceEventModel {
  @Field(() => Int) sequence!: number;
  @Field(() => String) urn!: string;
  @Field(() => String) type!: string;
  @Field(() => String) name!: string;
  @Field(() => String) operation!: string;
  @Field(() => String) state!: string;
  @Field(() => String, { nullable: true }) message!: string | null;
  @Field(() => Date) time!: Date;
}

@ObjectType('ResourceEventPage')
export class ResourceEventPageModel {
  @Field(() => [ResourceEventModel]) items!: ResourceEventModel[];
  @Field(() => String, { nullable: true }) nextCursor!: string | null;
}

@ObjectType('Operation')
export class OperationModel {
  @Field(() => ID) id!: string;
  @Field(() => ID) deploymentId!: string;
  @Field(() => OperationType) type!: OperationType;
  @Field(() => OperationStatus) status!: OperationStatus;
  @Field(() => Int, { description: 'The deployment generation it applies.' }) generation!: number;
  @Field(() => Int) attempt!: number;
  @Field(() => ID, { nullable: true }) retryOfId!: string | null;
  @Field(() => ID, { nullable: true, description: 'The pipeline a PIPELINE operation changes.' })
  pipelineId!: string | null;
  @Field(() => String, {
    nullable: true,
    description:
      'What a PIPELINE operation does: deploy, update, pause, resume, delete; a delete with its topics runs ' +
      '`delete: release topics`, then `delete: delete topics`.',
  })
  change!: string | null;
  @Field(() => Boolean, { description: 'Brokers go down: a KafkaRebalance moves replicas off them first.' })
  rebalanceFirst!: boolean;
  @Field(() => String, { nullable: true }) errorCode!: string | null;
  @Field(() => String, { nullable: true }) errorMessage!: string | null;
  @Field(() => Date) queuedAt!: Date;
  @Field(() => Date, { nullable: true, description: 'Not before (an upgrade’s maintenance window).' })
  notBefore!: Date | null;
  @Field(() => Date, { nullable: true }) startedAt!: Date | null;
  @Field(() => Date, { nullable: true }) finishedAt!: Date | null;
  @Field(() => Date, { nullable: true }) cancelRequestedAt!: Date | null;
  // resolved by a field resolver: resourceEvents(page)
}

@ObjectType('OperationPage')
export class OperationPageModel {
  @Field(() => [OperationModel]) items!: OperationModel[];
  @Field(() => String, { nullable: true }) nextCursor!: string | null;
}

@ObjectType('Deployment')
export class DeploymentModel {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => ID) cloudAccountId!: string;
  @Field(() => CloudProvider) cloud!: CloudProvider;
  @Field(() => String) region!: string;
  @Field(() => String) kafkaVersion!: string;
  @Field(() => Int) brokers!: number;
  @Field(() => DeploymentStatus) status!: DeploymentStatus;
  @Field(() => String, { nullable: true }) statusMessage!: string | null;
  @Field(() => DeploymentSpecModel, { description: 'The desired spec (of `generation`).' })
  spec!: DeploymentSpecModel;
  @Field(() => Int) generation!: number;
  @Field(() => Int, { description: 'The generation the last successful operation applied.' })
  observedGeneration!: number;
  @Field(() => DeploymentOutputsModel) outputs!: DeploymentOutputsModel;
  @Field(() => String, { description: '`local` or `pulumi`.' }) engine!: string;
  @Field(() => Boolean, {
    description: 'True under the local engine: nothing of this deployment exists in any cloud.',
  })
  simulated!: boolean;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date) updatedAt!: Date;
  @Field(() => Date, { nullable: true }) destroyedAt!: Date | null;
}

@ObjectType('DeploymentWithOperation')
export class DeploymentWithOperationModel {
  @Field(() => DeploymentModel) deployment!: DeploymentModel;
  @Field(() => OperationModel) operation!: OperationModel;
}

@ObjectType('RetainedVolumes')
export class RetainedVolumesModel {
  @Field(() => Int) brokers!: number;
  @Field(() => Int) storagePerBrokerGiB!: number;
  @Field(() => Int) totalGiB!: number;
  @Field(() => String) note!: string;
}

@ObjectType('DestroyDeploymentResult', { description: 'The DESTROY operation, and what is kept.' })
export class DestroyDeploymentResultModel {
  @Field(() => DeploymentModel) deployment!: DeploymentModel;
  @Field(() => OperationModel) operation!: OperationModel;
  @Field(() => RetainedVolumesModel) retainedVolumes!: RetainedVolumesModel;
  @Field(() => ID, { description: 'The cloud account stays connected.' }) cloudAccountId!: string;
}

@ObjectType('PlannedResource')
export class PlannedResourceModel {
  @Field(() => String) urn!: string;
  @Field(() => String) type!: string;
  @Field(() => String) name!: string;
  @Field(() => String, { nullable: true }) parentUrn!: string | null;
  @Field(() => String) operation!: string;
}

@ObjectType('CostLine')
export class CostLineModel {
  @Field(() => String) item!: string;
  @Field(() => String, { description: '`cloud-provider` (billed by the cloud) or `streamplane`.' })
  payee!: string;
  @Field(() => String) description!: string;
  @Field(() => Number) quantity!: number;
  @Field(() => String) unit!: string;
  @Field(() => Number) unitPriceUsd!: number;
  @Field(() => Number) monthlyUsd!: number;
}

@ObjectType('CostEstimate', { description: 'A monthly list-price estimate, line by line, in USD.' })
export class CostEstimateModel {
  @Field(() => [CostLineModel]) lines!: CostLineModel[];
  @Field(() => Number) cloudProviderMonthlyUsd!: number;
  @Field(() => Number) streamplaneMonthlyUsd!: number;
  @Field(() => Number) totalMonthlyUsd!: number;
  @Field(() => GraphQLJSONObject, { description: 'Where the catalog prices come from.' })
  priceReference!: Record<string, unknown>;
}

@ObjectType('DeploymentPreview', { description: 'Nothing is written and nothing is enqueued.' })
export class DeploymentPreviewModel {
  @Field(() => [PlannedResourceModel], { description: 'Every resource the order would create, in order.' })
  resources!: PlannedResourceModel[];
  @Field(() => Boolean) simulated!: boolean;
  @Field(() => CostEstimateModel) cost!: CostEstimateModel;
}

@ObjectType('CostLineDelta')
export class CostLineDeltaModel {
  @Field(() => String) item!: string;
  @Field(() => String) description!: string;
  @Field(() => Number) currentMonthlyUsd!: number;
  @Field(() => Number) nextMonthlyUsd!: number;
  @Field(() => Number) deltaMonthlyUsd!: number;
}

@ObjectType('SpecFieldChange')
export class SpecFieldChangeModel {
  @Field(() => String) field!: string;
  @Field(() => String) from!: string;
  @Field(() => String) to!: string;
}

@ObjectType('ChangePreview', { description: 'A change’s resource diff and cost delta. Nothing is written.' })
export class ChangePreviewModel {
  @Field(() => [SpecFieldChangeModel]) changedFields!: SpecFieldChangeModel[];
  @Field(() => [PlannedResourceModel]) addedResources!: PlannedResourceModel[];
  @Field(() => [PlannedResourceModel]) removedResources!: PlannedResourceModel[];
  @Field(() => Int) unchangedResources!: number;
  @Field(() => [CostLineDeltaModel]) costLines!: CostLineDeltaModel[];
  @Field(() => Number) currentMonthlyUsd!: number;
  @Field(() => Number) nextMonthlyUsd!: number;
  @Field(() => Number) deltaMonthlyUsd!: number;
}

@ObjectType('UpgradeProposal')
export class UpgradeProposalModel {
  @Field(() => ID) id!: string;
  @Field(() => ID) deploymentId!: string;
  @Field(() => String) fromVersion!: string;
  @Field(() => String) toVersion!: string;
  @Field(() => UpgradeProposalState) state!: UpgradeProposalState;
  @Field(() => Date, { nullable: true }) windowStart!: Date | null;
  @Field(() => Date, { nullable: true }) windowEnd!: Date | null;
  @Field(() => Date, { nullable: true }) decidedAt!: Date | null;
  @Field(() => String, { nullable: true }) declineReason!: string | null;
  @Field(() => Date) expiresAt!: Date;
  @Field(() => ID, { nullable: true, description: 'The UPGRADE operation the approval scheduled.' })
  operationId!: string | null;
  @Field(() => Date) createdAt!: Date;
}
