import { describe, expect, it } from 'vitest';
import { credentialCommands, javaProperties, kafkajsConfig } from './client-config';

const scram = { bootstrap: 'kafka.example:9094', authentication: 'SCRAM_SHA_512' as const };
const mtls = { bootstrap: 'kafka.example:9094', authentication: 'MTLS' as const };

describe('client configuration snippets', () => {
  it('use TLS with the cluster CA and SCRAM-SHA-512 for a SCRAM deployment', () => {
    expect(kafkajsConfig(scram)).toContain("mechanism: 'scram-sha-512'");
    expect(kafkajsConfig(scram)).toContain("brokers: ['kafka.example:9094']");
    expect(javaProperties(scram)).toContain('security.protocol=SASL_SSL');
    expect(javaProperties(scram)).toContain('sasl.mechanism=SCRAM-SHA-512');
    expect(credentialCommands(scram)).toContain('streamplane-cluster-ca-cert -n kafka');
  });

  it('use client certificates, and no SASL, for a mutual-TLS deployment', () => {
    expect(kafkajsConfig(mtls)).not.toContain('sasl');
    expect(kafkajsConfig(mtls)).toContain("cert: readFileSync('my-app.crt'");
    expect(javaProperties(mtls)).toContain('security.protocol=SSL');
    expect(javaProperties(mtls)).not.toContain('sasl');
    expect(credentialCommands(mtls)).toContain('user\\.key');
  });
});
