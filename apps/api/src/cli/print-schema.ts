import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { printApiSchema, SCHEMA_FILE } from '../graphql/api-schema';

// Regenerates the committed SDL; the schema test fails until this has been run after a change.
printApiSchema()
  .then((sdl) => {
    writeFileSync(resolve(__dirname, '../../../../', SCHEMA_FILE), sdl);
    console.log(`[streamplane] wrote ${SCHEMA_FILE}`);
  })
  .catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
