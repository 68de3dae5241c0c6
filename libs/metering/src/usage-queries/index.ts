export * from './usage-queries.errors';
export * from './usage-queries.module';
export * from './usage-queries.service';
export * from './usage-query';
