export * from './events/deployment-events';
export * from './jobs/provisioning.jobs';
