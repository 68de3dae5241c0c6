export * from './api-tokens.service';
export * from './auth.errors';
export * from './auth.module';
export * from './auth.service';
export * from './authentication.service';
export * from './principal';
export type { IssuedSession, ClientInfo } from './sessions.service';
export * from './secrets';
export { hashPassword } from './password';
