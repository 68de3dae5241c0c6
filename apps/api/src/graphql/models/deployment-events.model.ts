import { Field, ID, Int, InterfaceType, ObjectType, registerEnumType } from '@nestjs/graphql';
import type { DeploymentEvent } from '@streamplane/deployments';
import { assertNever } from '@streamplane/errors';
import { DeploymentStatus, OperationStatus, OperationType } from './enums';

export enum DeploymentEventKind {
  DEPLOYMENT_STATUS = 'DEPLOYMENT_STATUS',
  OPERATION = 'OPERATION',
  RESOURCE = 'RESOURCE',
}
registerEnumType(DeploymentEventKind, {
  name: 'DeploymentEventKind',
  description:
    'Which DeploymentEvent this is: DeploymentStatusChanged, OperationChanged or ResourceProgress.',
});

export enum ResourceProgressState {
  PENDING = 'PENDING',
  IN_PROGRESS = 'IN_PROGRESS',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
}
registerEnumType(ResourceProgressState, { name: 'ResourceProgressState' });

@InterfaceType('DeploymentEvent', {
  description:
    'A live-status notification. The facts are in the deployment itself: these tell a view what to update, ' +
    'and may be missed while disconnected (re-read the deployment after reconnecting).',
  resolveType: (event: DeploymentEventModel) => {
    switch (event.kind) {
      case DeploymentEventKind.DEPLOYMENT_STATUS:
        return 'DeploymentStatusChanged';
      case DeploymentEventKind.OPERATION:
        return 'OperationChanged';
      case DeploymentEventKind.RESOURCE:
        return 'ResourceProgress';
      default:
        return assertNever(event.kind);
    }
  },
})
export abstract class DeploymentEventModel {
  @Field(() => DeploymentEventKind) kind!: DeploymentEventKind;
  @Field(() => ID) deploymentId!: string;
  @Field(() => Date, { description: 'When the fact was committed.' }) at!: Date;
}

@ObjectType('DeploymentStatusChanged', {
  implements: () => [DeploymentEventModel],
  description: 'The deployment’s status, or its outputs, changed.',
})
export class DeploymentStatusChangedModel extends DeploymentEventModel {
  @Field(() => DeploymentStatus) status!: DeploymentStatus;
  @Field(() => Int, { description: 'The desired spec’s version.' }) generation!: number;
  @Field(() => Int, { description: 'The last generation the cloud was brought to.' })
  observedGeneration!: number;
  @Field(() => String, { nullable: true }) message!: string | null;
}

@ObjectType('OperationChanged', {
  implements: () => [DeploymentEventModel],
  description: 'An operation was queued, started, finished, failed or was cancelled.',
})
export class OperationChangedModel extends DeploymentEventModel {
  @Field(() => ID) operationId!: string;
  @Field(() => OperationType) type!: OperationType;
  @Field(() => OperationStatus) status!: OperationStatus;
  @Field(() => Int) attempt!: number;
  @Field(() => String, { nullable: true }) error!: string | null;
}

@ObjectType('ResourceProgress', {
  implements: () => [DeploymentEventModel],
  description: 'One cloud resource of the running operation moved.',
})
export class ResourceProgressModel extends DeploymentEventModel {
  @Field(() => ID) operationId!: string;
  @Field(() => Int, { description: 'Increases by one per event within the operation.' }) sequence!: number;
  @Field(() => String) urn!: string;
  @Field(() => String, {
    description: 'The resource type, e.g. azure-native:containerservice:ManagedCluster.',
  })
  resourceType!: string;
  @Field(() => String) name!: string;
  @Field(() => String, { description: 'What the engine does to it: create, update, delete, replace, …' })
  action!: string;
  @Field(() => ResourceProgressState) state!: ResourceProgressState;
  @Field(() => String, { nullable: true }) message!: string | null;
}

const RESOURCE_STATES: Record<
  Extract<DeploymentEvent, { kind: 'RESOURCE' }>['state'],
  ResourceProgressState
> = {
  pending: ResourceProgressState.PENDING,
  in_progress: ResourceProgressState.IN_PROGRESS,
  succeeded: ResourceProgressState.SUCCEEDED,
  failed: ResourceProgressState.FAILED,
};

/** An event of the Redis contract → its GraphQL shape. */
export function toDeploymentEventModel(
  event: DeploymentEvent,
): DeploymentStatusChangedModel | OperationChangedModel | ResourceProgressModel {
  const base = { deploymentId: event.deploymentId, at: new Date(event.at) };
  switch (event.kind) {
    case 'DEPLOYMENT_STATUS':
      return {
        ...base,
        kind: DeploymentEventKind.DEPLOYMENT_STATUS,
        status: event.status,
        generation: event.generation,
        observedGeneration: event.observedGeneration,
        message: event.message,
      };
    case 'OPERATION':
      return {
        ...base,
        kind: DeploymentEventKind.OPERATION,
        operationId: event.operationId,
        type: event.type,
        status: event.status,
        attempt: event.attempt,
        error: event.error,
      };
    case 'RESOURCE':
      return {
        ...base,
        kind: DeploymentEventKind.RESOURCE,
        operationId: event.operationId,
        sequence: event.sequence,
        urn: event.urn,
        resourceType: event.type,
        name: event.name,
        action: event.operation,
        state: RESOURCE_STATES[event.state],
        message: event.message,
      };
    default:
      return assertNever(event);
  }
}
