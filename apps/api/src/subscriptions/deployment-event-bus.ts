import { Injectable } from '@nestjs/common';
import { InjectConfig, type AppConfig } from '@streamplane/config';
import { channelFor, parseDeploymentEvent, type DeploymentEvent } from '@streamplane/deployments';
import { Metrics } from '@streamplane/observability';
import { OrgChannelBus } from './org-channel-bus';

/** Deployments' live status (libs/deployments/src/events) to this replica's subscriptions. */
@Injectable()
export class DeploymentEventBus extends OrgChannelBus<DeploymentEvent> {
  constructor(@InjectConfig() config: AppConfig, metrics: Metrics) {
    super(config, metrics, {
      kind: 'deployment',
      channelOf: (orgId) => channelFor(config, orgId),
      parse: parseDeploymentEvent,
    });
  }
}
