import { NestFactory } from '@nestjs/core';
import { GraphQLSchemaBuilderModule, GraphQLSchemaFactory } from '@nestjs/graphql';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { RESOLVERS } from './resolvers';

export const SCHEMA_FILE = 'apps/api/schema.graphql';

/** Builds the code-first schema from the resolvers alone: no database, no server. */
export async function buildApiSchema(): Promise<GraphQLSchema> {
  const app = await NestFactory.createApplicationContext(GraphQLSchemaBuilderModule, { logger: false });
  try {
    const schema = await app.get(GraphQLSchemaFactory).create(RESOLVERS);
    return lexicographicSortSchema(schema);
  } finally {
    await app.close();
  }
}

export async function printApiSchema(): Promise<string> {
  const header = '# Generated from the resolvers by `npm run graphql:schema`. Do not edit by hand.\n\n';
  return header + printSchema(await buildApiSchema()) + '\n';
}
