export * from './telemetry-event-validation';
export * from './telemetry-ingest.service';
export * from './telemetry.module';
