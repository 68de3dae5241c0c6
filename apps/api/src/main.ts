import { ConfigError, loadConfig } from '@streamplane/config';
import { createApiApp } from './create-api-app';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`[streamplane api] ${error.message}`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const app = await createApiApp(config);
  await app.listen({ host: config.http.host, port: config.http.port });
}

main().catch((error: unknown) => {
  console.error('[streamplane api] failed to start:', error);
  process.exit(1);
});
