export * from './actor';
export * from './audit-log.service';
export * from './audit.module';
