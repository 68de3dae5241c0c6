/**
 * Kubernetes and Kafka names of a link's pieces. A deployment holds at most one mirroring user and one
 * MirrorMaker 2 per link (it is the source, the target, or both in a two-way link), so the link id alone names
 * them; 12 hex digits keep Strimzi's derived names (`<name>-mirrormaker2-<n>`) well under 63 characters.
 */
export const linkShortId = (linkId: string): string => linkId.replace(/-/g, '').slice(0, 12);

/** The read-only KafkaUser on a deployment that another deployment mirrors from. */
export const mirroringUserName = (linkId: string): string => `sp-mirror-${linkShortId(linkId)}`;

/** The KafkaMirrorMaker2 on a deployment that mirrors from the other one. */
export const mirrorMakerName = (linkId: string): string => `sp-mm2-${linkShortId(linkId)}`;

/** The sorted pair: one live link per unordered pair of deployments (`replication_links.pair_key`). */
export const pairKeyOf = (a: string, b: string): string => [a, b].sort().join(':');
