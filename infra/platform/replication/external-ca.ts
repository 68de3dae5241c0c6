import type * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { LISTENERS } from '../names';

interface KafkaListenerStatus {
  listeners?: { name?: string; certificates?: string[] }[];
}

/**
 * The CA certificate (PEM) of the external listener, from the Kafka's status: Strimzi lists, per listener, the
 * certificates a client should trust. Another deployment's MirrorMaker 2 trusts exactly this one. Null when
 * the listener is off or not reported yet.
 */
export function externalListenerCaCert(
  kafka: k8s.apiextensions.CustomResource,
  externalListener: boolean,
): pulumi.Output<string | null> {
  if (!externalListener) return pulumi.output(null);
  return (kafka as unknown as { status: pulumi.Output<KafkaListenerStatus | undefined> }).status.apply(
    (status) =>
      status?.listeners?.find((listener) => listener.name === LISTENERS.external.name)?.certificates?.[0] ??
      null,
  );
}
