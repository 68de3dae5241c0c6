import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** Where the dev server sends API calls: the api `npm start` runs, unless told otherwise. */
const apiUrl = process.env.STREAMPLANE_API_URL ?? 'http://127.0.0.1:3000';
/** The api's PUBLIC_URL (its default unless set): the only origin it accepts cookie-authenticated sockets from. */
const apiPublicOrigin = new URL(process.env.PUBLIC_URL ?? 'http://localhost:3000').origin;

export default defineConfig({
  root: here('.'),
  plugins: [react()],
  resolve: {
    alias: {
      // Pure data and rules shared with the api (the deployment catalog and spec limits): no I/O, no Node.
      '@streamplane/deployment-spec': here('../../libs/deployment-spec/src/index.ts'),
      '@streamplane/errors': here('../../libs/errors/src/index.ts'),
    },
  },
  build: { outDir: here('dist'), emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 1500 },
  server: {
    port: Number(process.env.WEB_DEV_PORT ?? 5173),
    strictPort: true,
    proxy: {
      '/v1': { target: apiUrl },
      '/graphql': {
        target: apiUrl,
        ws: true,
        // The api accepts cookie-authenticated sockets only from its own public origin (PUBLIC_URL). In
        // development this dev server stands where the api serves the built dashboard in production, so it
        // presents the api's origin, as the page would have had in production.
        configure: (proxy) => {
          proxy.on('proxyReqWs', (proxyReq) => proxyReq.setHeader('origin', apiPublicOrigin));
        },
      },
    },
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/test/setup.ts'],
    css: false,
    env: { TZ: 'UTC' },
    testTimeout: 15_000,
  },
});
