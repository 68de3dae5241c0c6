export * from './job-handler-registry';
export * from './run-worker-process';
