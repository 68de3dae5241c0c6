import type { CodegenConfig } from '@graphql-codegen/cli';

/** Typed documents for every `graphql(...)` call of the dashboard, from the api's committed schema. */
const config: CodegenConfig = {
  schema: 'apps/api/schema.graphql',
  documents: ['apps/web/src/**/*.{ts,tsx}', '!apps/web/src/generated/**'],
  ignoreNoDocuments: true,
  generates: {
    'apps/web/src/generated/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        scalars: { DateTime: 'string', JSONObject: 'Record<string, unknown>' },
        enumsAsTypes: true,
        useTypeImports: true,
        skipTypename: false,
      },
    },
  },
  hooks: { afterAllFileWrite: ['prettier --write --log-level warn'] },
};

export default config;
