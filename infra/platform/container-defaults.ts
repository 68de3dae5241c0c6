/**
 * What every container Streamplane runs in a customer cluster shares (the agent, pipeline stage runners):
 * the restricted Pod Security Standard's container settings, and health probes on the container's `http` port.
 */

/** Non-root as `uid`, no privilege, read-only root filesystem, no capabilities, the runtime's seccomp profile. */
export function restrictedContainerSecurity(uid: number) {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/**
 * Started = its HTTP server is up (up to 2 minutes); ready = `/readyz` (connected to what it needs);
 * live = `/healthz` (its loop is not stuck).
 */
export function httpHealthProbes() {
  return {
    startupProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 5, failureThreshold: 24 },
    readinessProbe: {
      httpGet: { path: '/readyz', port: 'http' },
      periodSeconds: 10,
      timeoutSeconds: 3,
      failureThreshold: 3,
    },
    livenessProbe: {
      httpGet: { path: '/healthz', port: 'http' },
      periodSeconds: 20,
      timeoutSeconds: 3,
      failureThreshold: 3,
    },
  };
}
