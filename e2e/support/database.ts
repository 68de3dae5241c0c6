import { Client } from 'pg';
import { readRunState } from './run-state';

/** Tables a refused request must leave exactly as they were ("nothing is created"). */
export const WRITTEN_BY_FORMS = [
  'users',
  'organizations',
  'memberships',
  'invitations',
  'api_tokens',
  'cloud_accounts',
  'deployments',
  'operations',
] as const;

/**
 * Row count and a digest of each table's contents, read straight from the run's database — not through the
 * api under test. Empty when the journeys run against a system started elsewhere (E2E_BASE_URL) without
 * E2E_DATABASE_URL.
 */
export async function tableDigests(): Promise<Record<string, string>> {
  const { databaseUrl } = readRunState();
  if (!databaseUrl) return {};
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const digests: Record<string, string> = {};
    for (const table of WRITTEN_BY_FORMS) {
      const { rows } = await client.query<{ count: string; digest: string }>(
        `SELECT count(*)::text AS count, md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS digest FROM "${table}" t`,
      );
      digests[table] = `${rows[0].count} rows, ${rows[0].digest}`;
    }
    return digests;
  } finally {
    await client.end();
  }
}
