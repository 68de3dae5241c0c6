export * from './credential-cipher';
export * from './reencrypt-sealed';
export * from './secrets.module';
