export * from './events/deployment-events';
