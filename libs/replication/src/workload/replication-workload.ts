import type { ReplicationMirror, ReplicationSourceUser, ReplicationWorkload } from '@streamplane/infra';
import type * as pulumi from '@pulumi/pulumi';
import { parsePattern } from '../spec/replication-patterns';
import type { ReplicationLinkSpec } from '../spec/replication-link-spec';
import type { LinkSide } from './replication-passwords';
import { mirrorMakerName, mirroringUserName } from './replication-names';

/** One end of a link as the workload needs it: its name (the MirrorMaker 2 alias) and external endpoint. */
export interface LinkEnd {
  id: string;
  name: string;
  bootstrapExternal: string | null;
  caCertificate: string | null;
}

/** A link with the spec this deployment's stack carries for it, and its passwords (opened or placeholders). */
export interface LinkForWorkload {
  id: string;
  sourceDeploymentId: string;
  topicNaming: 'PREFIXED' | 'IDENTITY';
  spec: ReplicationLinkSpec;
  ends: Record<string, LinkEnd>;
  password(side: LinkSide): pulumi.Input<string>;
}

export interface AlertThresholds {
  replicationLatencySeconds: number;
  checkpointAgeSeconds: number;
}

/** Why a flow cannot be rendered: the run fails with this message (it names the fix). */
export class ReplicationWorkloadError extends Error {}

const patterns = (values: string[]) =>
  values.map((value) => {
    const pattern = parsePattern(value);
    if (!pattern) throw new ReplicationWorkloadError(`Invalid stored pattern ${JSON.stringify(value)}`);
    return pattern;
  });

/**
 * What `deploymentId`'s stack holds for its links: for each flow out of it, the mirroring user the other
 * side reads with; for each flow into it, a MirrorMaker 2 pulling from the other side's external listener.
 */
export function replicationWorkloadOf(
  deploymentId: string,
  links: LinkForWorkload[],
  alerts: AlertThresholds,
): ReplicationWorkload {
  const workload: ReplicationWorkload = { sourceUsers: [], mirrors: [] };
  for (const link of links) {
    const topics = patterns(link.spec.topics);
    const consumerGroups = patterns(link.spec.consumerGroups);
    const sideOf = (id: string): LinkSide => (id === link.sourceDeploymentId ? 'source' : 'target');
    for (const flow of link.spec.flows) {
      if (flow.from === deploymentId) {
        const user: ReplicationSourceUser = {
          linkId: link.id,
          userName: mirroringUserName(link.id),
          password: link.password(sideOf(flow.from)),
          topics,
          consumerGroups,
        };
        workload.sourceUsers.push(user);
      }
      if (flow.to === deploymentId) {
        const from = link.ends[flow.from];
        const to = link.ends[flow.to];
        if (!from?.bootstrapExternal || !from.caCertificate) {
          throw new ReplicationWorkloadError(
            `${from?.name ?? flow.from} has no external listener address or CA certificate yet: ` +
              'enable its external listener and let its update finish, then retry the replication link.',
          );
        }
        const mirror: ReplicationMirror = {
          linkId: link.id,
          name: mirrorMakerName(link.id),
          sourceAlias: from.name,
          targetAlias: to.name,
          source: {
            bootstrapServers: from.bootstrapExternal,
            caCertificate: from.caCertificate,
            userName: mirroringUserName(link.id),
            password: link.password(sideOf(flow.from)),
          },
          topics,
          consumerGroups,
          topicNaming: link.topicNaming === 'IDENTITY' ? 'identity' : 'prefixed',
          paused: flow.paused,
          alerts,
        };
        workload.mirrors.push(mirror);
      }
    }
  }
  return workload;
}
