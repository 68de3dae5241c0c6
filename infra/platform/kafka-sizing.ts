import { catalogFor, findNodeSize, type DeploymentSpec, type NodeSize } from '@streamplane/deployment-spec';

/**
 * Container resources and JVM heap for the Kafka pods, derived from the node sizes they run on.
 *
 * Each Kafka pod (broker or controller) gets a node of its own (required pod anti-affinity in
 * `kafka-cluster.ts`), so a pod may use most of its node. What it leaves is for the kubelet/system reservations
 * of AKS and EKS and for the node's DaemonSets (CNI, CSI, node exporter). Memory beyond the heap is deliberately
 * left to the page cache, which is what makes Kafka fast.
 *
 * No CPU limit: CFS throttling of a broker stalls replication for every partition it leads, and with one Kafka
 * pod per node there is nothing to protect from it. The request (which Cruise Control also reads as the broker's
 * CPU capacity) reserves the node.
 */
export interface KafkaPodSizing {
  resources: { requests: { cpu: string; memory: string }; limits: { memory: string } };
  jvmOptions: { '-Xms': string; '-Xmx': string };
}

/**
 * Share of a node's CPU and memory a Kafka pod requests; the rest covers the kubelet's reservations (on AKS up
 * to ~25% of a small node's memory) and DaemonSets. Small (controller) nodes lose a larger share to both.
 */
const NODE_CPU_SHARE = 0.6;

function sizing(
  node: NodeSize,
  memoryShare: number,
  heap: { share: number; minGiB: number; maxGiB: number },
): KafkaPodSizing {
  const memoryGiB = Math.max(2, Math.floor(node.memoryGiB * memoryShare));
  const heapGiB = Math.min(heap.maxGiB, Math.max(heap.minGiB, Math.floor(memoryGiB * heap.share)));
  const cpuMillis = Math.max(500, Math.floor(node.vcpu * NODE_CPU_SHARE * 10) * 100);
  return {
    resources: {
      requests: { cpu: `${cpuMillis}m`, memory: `${memoryGiB}Gi` },
      limits: { memory: `${memoryGiB}Gi` },
    },
    jvmOptions: { '-Xms': `${heapGiB}g`, '-Xmx': `${heapGiB}g` },
  };
}

function nodeSize(spec: DeploymentSpec, name: string): NodeSize {
  const found = findNodeSize(spec.cloud, name);
  // The spec was validated against the catalog; reaching this means the catalog and the spec disagree.
  if (!found) throw new Error(`Node size ${name} is not in the ${spec.cloud} catalog`);
  return found;
}

/** Brokers: a heap of 2-6 GiB (more does not help Kafka), the rest of the memory is page cache. */
export function brokerSizing(spec: DeploymentSpec): KafkaPodSizing {
  return sizing(nodeSize(spec, spec.nodeSize), 0.7, { share: 0.35, minGiB: 2, maxGiB: 6 });
}

/** The node size the cloud components give KRaft controllers (from the catalog; brokers use `spec.nodeSize`). */
export function controllerNodeSize(spec: DeploymentSpec): string {
  return catalogFor(spec.cloud).controllerPool.nodeSize;
}

/** KRaft controllers hold only the metadata log: a small heap on the catalog's controller node size. */
export function controllerSizing(spec: DeploymentSpec): KafkaPodSizing {
  return sizing(nodeSize(spec, controllerNodeSize(spec)), 0.6, { share: 0.5, minGiB: 1, maxGiB: 2 });
}

/** Size of each controller's metadata volume, from the catalog (it is priced from there too). */
export function controllerStorageGiB(spec: DeploymentSpec): number {
  return catalogFor(spec.cloud).controllerPool.storageGiB;
}
