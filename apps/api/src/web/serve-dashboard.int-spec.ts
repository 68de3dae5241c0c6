import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig } from '@streamplane/config';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiApp } from '../create-api-app';
import { isApiPath } from './serve-dashboard';

/** The api serving a dashboard build (a small stand-in for apps/web/dist), on a real port. */
describe('the api serves the dashboard', () => {
  let app: NestFastifyApplication;
  let baseUrl: string;
  let dist: string;

  beforeAll(async () => {
    dist = mkdtempSync(join(tmpdir(), 'sp-dashboard-'));
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>Streamplane</title><div id="root"></div>');
    writeFileSync(join(dist, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    writeFileSync(join(dist, 'assets', 'index-abc123.js'), 'console.log("dashboard")');
    app = await createApiApp(loadConfig({ ...process.env, LOG_LEVEL: 'silent' }), { dashboardDir: dist });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.getHttpServer().address();
    baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(async () => {
    await app?.close();
    rmSync(dist, { recursive: true, force: true });
  });

  it('answers the dashboard’s own routes with index.html, never cached, with its security headers', async () => {
    for (const path of [
      '/',
      '/deployments/5d0c',
      '/organization/members?x=1',
      '/invitations/accept?token=t',
    ]) {
      const response = await fetch(baseUrl + path);
      expect({ path, status: response.status, type: response.headers.get('content-type') }).toEqual({
        path,
        status: 200,
        type: 'text/html; charset=utf-8',
      });
      expect(await response.text()).toContain('<div id="root">');
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(response.headers.get('content-security-policy')).toContain("connect-src 'self'");
    }
  });

  it('caches hashed assets for good, and a missing asset is a 404, not the page', async () => {
    const asset = await fetch(`${baseUrl}/assets/index-abc123.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const missing = await fetch(`${baseUrl}/assets/index-gone.js`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/json');
    const favicon = await fetch(`${baseUrl}/favicon.svg`);
    expect([favicon.status, favicon.headers.get('content-type')]).toEqual([200, 'image/svg+xml']);
  });

  it('shadows no api path: unknown ones stay typed 404s, the others answer as before', async () => {
    const unknown = await fetch(`${baseUrl}/v1/nope`);
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { reason: string } }).error.reason).toBe('ROUTE_NOT_FOUND');
    expect((await fetch(`${baseUrl}/healthz`)).headers.get('content-type')).toContain('application/json');
    expect((await fetch(`${baseUrl}/metrics`)).headers.get('content-type')).toContain('text/plain');
    const graphql = await fetch(`${baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(await graphql.json()).toEqual({ data: { __typename: 'Query' } });
    const other = await fetch(`${baseUrl}/graphql/anything`);
    expect(other.headers.get('content-type')).not.toContain('text/html');
  });

  it('serves only GET: a form posted to a page is not the page', async () => {
    const response = await fetch(`${baseUrl}/deployments/new`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(404);
  });
});

describe('api paths', () => {
  it.each([
    '/graphql',
    '/graphql?x',
    '/graphiql',
    '/v1',
    '/v1/auth/login',
    '/healthz',
    '/readyz',
    '/metrics',
  ])('%s is the api’s', (path) => expect(isApiPath(path)).toBe(true));
  it.each(['/', '/v1x', '/deployments/v1', '/graphqlish', '/usage', '/metrics-dashboard'])(
    '%s is the dashboard’s',
    (path) => expect(isApiPath(path)).toBe(false),
  );
});
