import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { printApiSchema, SCHEMA_FILE } from './api-schema';

describe('committed GraphQL schema', () => {
  it('matches the schema the resolvers generate (run `npm run graphql:schema` after changing them)', async () => {
    const committed = readFileSync(resolve(__dirname, '../../../../', SCHEMA_FILE), 'utf8');
    expect(await printApiSchema()).toBe(committed);
  });
});
