/** Reported in every heartbeat; bumped with the agent image (infra/platform/versions.ts names the image). */
export const AGENT_VERSION = '0.2.0';
