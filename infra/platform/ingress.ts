import type * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type { Cloud } from '@streamplane/deployment-spec';
import { ingressLoadBalancerAnnotations } from './cloud-load-balancer';
import { helmRelease } from './helm';
import { MQTT_SOURCE_SERVICE, MQTT_TLS_PORT, RELEASES } from './names';
import { INGRESS_NGINX_CHART } from './versions';

export interface IngressControllerArgs {
  namespace: k8s.core.v1.Namespace;
  cloud: Cloud;
  zoneLabel: string;
}

export const INGRESS_CLASS_NAME = 'nginx';

/** The controller pods' labels, as the chart sets them for a release named `RELEASES.ingress`. */
export const INGRESS_CONTROLLER_POD_LABELS = {
  'app.kubernetes.io/name': 'ingress-nginx',
  'app.kubernetes.io/instance': RELEASES.ingress,
  'app.kubernetes.io/component': 'controller',
} as const;

/**
 * ingress-nginx: the cluster's one public HTTPS entry point (Grafana today, the pipelines' HTTP sources later)
 * and a TCP passthrough for MQTT over TLS.
 *
 * Nothing on it is reachable without TLS: the load balancer publishes 443 and 8883 only (the plain HTTP
 * listener is disabled, not redirected), HTTPS terminates at the controller with TLS 1.2+, and 8883 is
 * forwarded byte for byte to the MQTT source, which terminates TLS itself.
 */
export class IngressController extends pulumi.ComponentResource {
  public readonly release: k8s.helm.v3.Release;
  public readonly ingressClassName = INGRESS_CLASS_NAME;

  constructor(name: string, args: IngressControllerArgs, opts?: pulumi.ComponentResourceOptions) {
    super('streamplane:platform:IngressController', name, {}, opts);
    this.release = helmRelease(
      `${name}-release`,
      {
        chart: INGRESS_NGINX_CHART,
        releaseName: RELEASES.ingress,
        namespace: args.namespace.metadata.name,
        values: {
          controller: {
            replicaCount: 3,
            minAvailable: 2,
            ingressClassResource: { name: INGRESS_CLASS_NAME, enabled: true, default: false },
            // Snippet annotations inject raw nginx configuration: a known privilege-escalation path.
            allowSnippetAnnotations: false,
            config: {
              'ssl-protocols': 'TLSv1.2 TLSv1.3',
              hsts: 'true',
              'hsts-include-subdomains': 'false',
              'force-ssl-redirect': 'true',
              'server-tokens': 'false',
              // The load balancer is layer 4 and adds no trusted X-Forwarded-* headers.
              'use-forwarded-headers': 'false',
            },
            service: {
              type: 'LoadBalancer',
              enableHttp: false,
              enableHttps: true,
              // Keeps the client's address (audit logs, rate limits) and avoids a second hop between nodes.
              externalTrafficPolicy: 'Local',
              annotations: ingressLoadBalancerAnnotations(args.cloud),
            },
            topologySpreadConstraints: [
              {
                maxSkew: 1,
                topologyKey: args.zoneLabel,
                whenUnsatisfiable: 'ScheduleAnyway',
                labelSelector: { matchLabels: INGRESS_CONTROLLER_POD_LABELS },
              },
            ],
            resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '512Mi' } },
            // Scraped through a PodMonitor created with the monitoring stack (no ServiceMonitor CRD needed here).
            metrics: { enabled: true },
          },
          // Layer-4 passthrough: nginx's stream module forwards the TLS bytes untouched.
          tcp: {
            [String(MQTT_TLS_PORT)]:
              `${MQTT_SOURCE_SERVICE.namespace}/${MQTT_SOURCE_SERVICE.name}:${MQTT_SOURCE_SERVICE.port}`,
          },
        },
      },
      { parent: this },
    );
    this.registerOutputs({ release: this.release.status });
  }
}
