import { Client } from 'pg';

/**
 * One operation at a time per deployment, across every provisioner process: a PostgreSQL session-level
 * advisory lock, held on a connection of its own for the whole run.
 *
 * Why an advisory lock and not a lease row: it is released by PostgreSQL itself when the holder's session
 * ends, which is exactly when a worker dies (SIGKILL, OOM, a lost node — TCP keepalive ends the session).
 * A lease needs an expiry long enough for the slowest step yet short enough for quick recovery, and
 * renewal traffic; the advisory lock needs neither, and a crashed worker's deployment is free again the
 * moment its connection drops. The cost is one connection per running operation (bounded by
 * `PROVISIONER_CONCURRENCY`), and that the lock does not survive a PostgreSQL failover: `lost` fires when
 * the connection breaks, and the run stops.
 */
export class DeploymentLocks {
  constructor(private readonly databaseUrl: string) {}

  /** Takes the deployment's lock, or returns undefined at once when another session holds it. */
  async tryAcquire(deploymentId: string): Promise<DeploymentLock | undefined> {
    const client = new Client({
      connectionString: this.databaseUrl,
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
      application_name: 'streamplane-provisioner-lock',
    });
    const lost = new AbortController();
    client.on('error', (error) => lost.abort(error));
    client.on('end', () => lost.abort(new Error('The deployment lock connection ended')));
    await client.connect();
    try {
      const { rows } = await client.query<{ locked: boolean }>(
        'SELECT pg_try_advisory_lock($1::bigint) AS locked',
        [deploymentLockKey(deploymentId)],
      );
      if (!rows[0]?.locked) {
        await client.end();
        return undefined;
      }
      return new DeploymentLock(client, lost.signal);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
  }
}

export class DeploymentLock {
  private released = false;

  constructor(
    private readonly client: Client,
    /** Fires when the connection that holds the lock breaks: the lock may be someone else's now. */
    readonly lost: AbortSignal,
  ) {}

  /** Ends the session, which releases the lock (nothing else is ever held on this connection). */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await this.client.end().catch(() => undefined);
  }
}

/**
 * The 64-bit advisory-lock key of a deployment: FNV-1a over its id, namespaced so that other users of
 * advisory locks in the same database cannot collide by accident. Computed here (not with hashtext) so it
 * is stable across PostgreSQL versions.
 */
export function deploymentLockKey(deploymentId: string): string {
  let hash = 0xcbf29ce484222325n;
  for (const byte of Buffer.from(`streamplane:deployment:${deploymentId}`, 'utf8')) {
    hash ^= BigInt(byte);
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return BigInt.asIntN(64, hash).toString();
}
