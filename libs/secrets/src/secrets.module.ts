import { Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@streamplane/config';
import { CredentialCipher } from './credential-cipher';

/** The cipher of secrets at rest under the configured keyring (CREDENTIALS_ENCRYPTION_KEYS). */
export const credentialCipherProvider = {
  provide: CredentialCipher,
  useFactory: (config: AppConfig) => new CredentialCipher(config.cloud.credentialsKeyring),
  inject: [APP_CONFIG],
};

/** Provides CredentialCipher (needs ConfigModule, global in every application). */
@Module({ providers: [credentialCipherProvider], exports: [CredentialCipher] })
export class SecretsModule {}
