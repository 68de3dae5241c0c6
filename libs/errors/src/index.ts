export * from './domain-error';
export * from './input';
