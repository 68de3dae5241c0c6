export * from './event-types';
export * from './telemetry';
