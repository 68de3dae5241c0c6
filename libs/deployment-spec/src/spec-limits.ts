/** The bounds `parseDeploymentSpec` enforces; exported so forms can show them before the user hits them. */
export const SPEC_LIMITS = {
  name: { minLength: 3, maxLength: 40 },
  /** A quorum of 3 survives one lost controller, 5 survives two. */
  controllers: [3, 5] as const,
  brokers: {
    /** Replication factor 3 with min.insync.replicas 2 needs three brokers. */
    min: 3,
    /**
     * A self-service ceiling, not a Kafka limit: beyond it per-broker load balancers, cloud quota
     * requests and rebalance times want a human conversation. Raise it deliberately.
     */
    max: 30,
  },
  /** A broker node needs room for the JVM heap plus page cache. */
  brokerNode: { minVcpu: 4, minMemoryGiB: 16 },
  storagePerBrokerGiB: {
    /** Smaller disks fill within hours at modest throughput, and Kafka stops when a log dir is full. */
    min: 100,
    /** One volume per broker, and 16 TiB is the largest EBS gp3 volume. */
    max: 16_384,
  },
  tags: {
    /** Both clouds allow 50 tags per resource; Streamplane adds its own, so customers get 20. */
    maxCount: 20,
    /** AWS: 128 (Azure allows 512). */
    maxKeyLength: 128,
    /** Both clouds: 256. */
    maxValueLength: 256,
    /** `aws:` is AWS's own; `streamplane` is ours (deployment id, managed-by). Compared ignoring case. */
    reservedKeyPrefixes: ['aws:', 'streamplane'] as const,
  },
} as const;
