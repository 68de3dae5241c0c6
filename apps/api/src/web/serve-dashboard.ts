import fastifyStatic from '@fastify/static';
import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The built dashboard: `web` beside the running script in the production bundle (dist/apps/api, where the
 * build copies it), else apps/web/dist, which `npm run web:build` writes (`__dirname` is the bundle's folder
 * once bundled, this file's otherwise).
 */
export const DASHBOARD_DIST = existsSync(join(__dirname, 'web', 'index.html'))
  ? join(__dirname, 'web')
  : resolve(__dirname, '../../../web/dist');

/** Paths the api answers itself: the dashboard never shadows them, so an unknown one stays a typed 404. */
const API_PATHS = ['/graphql', '/graphiql', '/v1', '/healthz', '/readyz', '/metrics'];

const TOP_LEVEL_FILE = /^[\w-]+\.[\w.]+$/;

export function isApiPath(url: string): boolean {
  const path = url.split('?')[0];
  return API_PATHS.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
}

/**
 * The page's own rules: scripts and connections only to this origin (the api and its websocket), inline
 * styles for the component library's CSS variables, never framed.
 */
const HTML_HEADERS = {
  'cache-control': 'no-cache',
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
    "connect-src 'self'; font-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; " +
    "frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
};

/**
 * Serves the built dashboard from the api's own origin (so its session cookies and websocket need no
 * cross-origin rules): hashed assets cached for good, and index.html for every other GET that is not an
 * api path, so the dashboard's own routes (/deployments/…) load on a reload. A rebuilt dashboard is served
 * without restarting the api. Static files only, no data:
 * nothing here is behind the access guard. Without a build, the api runs without the dashboard.
 */
export async function serveDashboard(
  app: NestFastifyApplication,
  root: string = DASHBOARD_DIST,
): Promise<boolean> {
  const logger = new Logger('Dashboard');
  if (!existsSync(join(root, 'index.html'))) {
    logger.log(`No dashboard build in ${root}; run \`npm run web:build\` to serve it from the api.`);
    return false;
  }
  // Content-hashed assets: a changed file gets a new name, so they are cached for good.
  const assets = join(root, 'assets');
  await app.register(fastifyStatic, {
    root: assets,
    prefix: '/assets/',
    index: false,
    cacheControl: false,
    setHeaders: (reply, path) => {
      if (path.startsWith(assets)) void reply.header('cache-control', 'public, max-age=31536000, immutable');
    },
  });
  const fastify = app.getHttpAdapter().getInstance();
  fastify.get('/*', (request, reply) => {
    if (isApiPath(request.url)) return reply.callNotFound();
    const file = request.url.split('?')[0].slice(1);
    // A top-level file of the build (favicon.svg), or else the page: the dashboard routes itself.
    if (TOP_LEVEL_FILE.test(file) && file !== 'index.html' && existsSync(join(root, file))) {
      return reply.header('cache-control', 'no-cache').sendFile(file, root);
    }
    return reply.headers(HTML_HEADERS).sendFile('index.html', root);
  });
  logger.log(`Serving the dashboard from ${root}`);
  return true;
}
