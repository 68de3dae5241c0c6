export * from './job-handler-registry';
export * from './job-metrics';
export * from './run-worker-process';
export * from './worker-endpoints';
