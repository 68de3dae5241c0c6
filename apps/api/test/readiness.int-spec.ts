import { startTestApi } from './harness';

// Its own file: Nest's Logger is process-global, so a second app in another file's process would
// capture that file's log lines.
describe('readiness', () => {
  it('reports not ready, naming the store, when Redis does not answer', async () => {
    const broken = await startTestApi({ REDIS_URL: 'redis://127.0.0.1:1' });
    try {
      const ready = await broken.client().request('GET', '/readyz');
      expect(ready.status).toBe(503);
      expect(ready.body.checks.postgres).toBe('ok');
      expect(ready.body.checks.redis).toMatch(/^error: /);
    } finally {
      await broken.close();
    }
  });
});
