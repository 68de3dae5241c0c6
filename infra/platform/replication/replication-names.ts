import type { ReplicationMirror } from '../../types';

/**
 * Names of what one KafkaMirrorMaker2 owns on its (target) cluster, all derived from the mirror's name so the
 * target user's ACLs can name them exactly: the Connect cluster's group and its three storage topics, the
 * local KafkaUser, and the Secrets holding the source's CA certificate and the source user's password.
 */
export function mirrorNames(mirror: Pick<ReplicationMirror, 'name'>) {
  const { name } = mirror;
  return {
    connectGroup: name,
    configTopic: `${name}-configs`,
    offsetTopic: `${name}-offsets`,
    statusTopic: `${name}-status`,
    /** The local (target-side) KafkaUser; the User Operator writes its credentials to a Secret of this name. */
    targetUser: name,
    sourceCaSecret: `${name}-source-ca`,
    sourcePasswordSecret: `${name}-source-password`,
    metricsConfigMap: `${name}-metrics`,
    alertRule: `${name}-alerts`,
    podMonitor: `${name}-metrics`,
  };
}

/** The Secret holding a source user's password (the User Operator writes its own Secret named after the user). */
export const sourceUserPasswordSecret = (userName: string): string => `${userName}-password`;

/** Key of the password in the Secrets above. */
export const PASSWORD_KEY = 'password';
export const CA_CERT_KEY = 'ca.crt';

/** Labels on every replication object: which link it belongs to. */
export const linkLabels = (linkId: string): Record<string, string> => ({
  'app.kubernetes.io/managed-by': 'streamplane',
  'app.kubernetes.io/part-of': 'streamplane-replication',
  'streamplane.io/replication-link': linkId,
});

/**
 * Pod label of MirrorMaker 2 (like the pipelines' stage runners' `streamplane.io/role`): the internal
 * listener's `networkPolicyPeers` must list it for MirrorMaker 2 to reach its own (target) cluster.
 */
export const MIRROR_MAKER_POD_LABELS = { 'streamplane.io/role': 'mirror-maker-2' } as const;
