export * from './domain-error';
export * from './input';
export * from './transient-store-error';
