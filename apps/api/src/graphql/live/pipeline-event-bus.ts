import { Injectable } from '@nestjs/common';
import { InjectConfig, type AppConfig } from '@streamplane/config';
import { Metrics } from '@streamplane/observability';
import { parsePipelineLiveEvent, pipelineChannelFor, type PipelineLiveEvent } from '@streamplane/pipelines';
import { OrgChannelBus } from '../../subscriptions/org-channel-bus';

/** Pipelines' status changes and checkpoints (libs/pipelines/src/live) to this replica's subscriptions. */
@Injectable()
export class PipelineEventBus extends OrgChannelBus<PipelineLiveEvent> {
  constructor(@InjectConfig() config: AppConfig, metrics: Metrics) {
    super(config, metrics, {
      kind: 'pipeline',
      channelOf: (orgId) => pipelineChannelFor(config, orgId),
      parse: (message) => {
        const event = parsePipelineLiveEvent(message);
        return event ? { ok: true, event } : { ok: false, problem: 'not a pipeline live event' };
      },
    });
  }
}
