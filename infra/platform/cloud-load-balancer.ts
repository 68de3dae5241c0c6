import type { Cloud } from '@streamplane/deployment-spec';

/**
 * Annotations for Kubernetes Services of type LoadBalancer that carry long-lived TCP connections (Kafka
 * clients, MQTT devices) or TLS that must reach the pods untouched.
 *
 * - Azure: the Standard Load Balancer drops idle TCP flows after 4 minutes by default, while Kafka clients keep
 *   idle connections for up to 9 minutes (`connections.max.idle.ms`): raise the idle timeout to 30 minutes.
 * - AWS: a Network Load Balancer (layer 4, TLS passes through) instead of the Classic ELB the in-tree
 *   controller would create, whose 60-second idle timeout cuts Kafka connections.
 */
export function tcpLoadBalancerAnnotations(cloud: Cloud): Record<string, string> {
  switch (cloud) {
    case 'azure':
      return { 'service.beta.kubernetes.io/azure-load-balancer-tcp-idle-timeout': '30' };
    case 'aws':
      return {
        'service.beta.kubernetes.io/aws-load-balancer-type': 'nlb',
        'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internet-facing',
        'service.beta.kubernetes.io/aws-load-balancer-cross-zone-load-balancing-enabled': 'true',
      };
    default:
      return unknownCloud(cloud);
  }
}

/**
 * ingress-nginx's Service additionally needs, on Azure, a health probe on the controller's `/healthz`:
 * without it the Azure LB probes `/` over HTTP and marks every node unhealthy.
 */
export function ingressLoadBalancerAnnotations(cloud: Cloud): Record<string, string> {
  switch (cloud) {
    case 'azure':
      return {
        ...tcpLoadBalancerAnnotations(cloud),
        'service.beta.kubernetes.io/azure-load-balancer-health-probe-request-path': '/healthz',
      };
    case 'aws':
      return tcpLoadBalancerAnnotations(cloud);
    default:
      return unknownCloud(cloud);
  }
}

/** Exhaustiveness guard: a new `Cloud` member fails to compile here until it gets its annotations. */
function unknownCloud(cloud: never): never {
  throw new Error(`Unknown cloud: ${String(cloud)}`);
}
