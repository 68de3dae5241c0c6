export * from './job-span';
export * from './semconv';
export * from './start-tracing';
export * from './trace-context';
