import * as pulumi from '@pulumi/pulumi';
import { recordingMocks } from '../cloud/mock-recorder';
import { buildUnderMocks } from '../cloud/testing';
import { kubernetesMockResourceState } from './mocks';
import { makePlatformArgs, makeSpec, manifestNamed } from './testing/platform-fixtures';
import { SchemaValidator } from './testing/schema-validator';

// Mocks first: the components are imported only after this, as Pulumi's testing guide asks.
const recording = recordingMocks(kubernetesMockResourceState, (args) => args.inputs);
void pulumi.runtime.setMocks(recording.mocks, 'streamplane', 'unit', false);

interface KafkaManifest extends Record<string, unknown> {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec: { kafka: { version: string; metadataVersion: string } };
}

describe('kraftMetadataVersion', () => {
  it("is Strimzi's pairing for the Kafka version when nothing is pinned", async () => {
    const { kraftMetadataVersion } = await import('./kafka-cluster');
    expect(kraftMetadataVersion('4.3.1')).toBe('4.3-IV0');
    expect(kraftMetadataVersion('4.2.1')).toBe('4.2-IV1');
  });

  it("keeps a pinned metadata version of an older or the same Kafka version (an upgrade's first phase)", async () => {
    const { kraftMetadataVersion } = await import('./kafka-cluster');
    expect(kraftMetadataVersion('4.3.1', '4.2-IV1')).toBe('4.2-IV1');
    expect(kraftMetadataVersion('4.3.1', '4.3-IV0')).toBe('4.3-IV0');
  });

  it('refuses a pin newer than the Kafka version, or one Strimzi does not know', async () => {
    const { kraftMetadataVersion } = await import('./kafka-cluster');
    expect(() => kraftMetadataVersion('4.2.1', '4.3-IV0')).toThrow(
      'KRaft metadata version "4.3-IV0" cannot be pinned for Kafka 4.2.1',
    );
    expect(() => kraftMetadataVersion('4.3.1', '4.3-IV9')).toThrow(/allowed: 4\.2-IV1, 4\.3-IV0/);
  });

  it('refuses a Kafka version Strimzi does not run', async () => {
    const { kraftMetadataVersion } = await import('./kafka-cluster');
    expect(() => kraftMetadataVersion('3.9.0')).toThrow('Kafka 3.9.0 is not supported by Strimzi 1.2.0');
  });
});

describe('KafkaPlatform with a pinned metadata version', () => {
  it('runs the new Kafka version on the old metadata version, and reports it', async () => {
    const k8s = await import('@pulumi/kubernetes');
    const { KafkaPlatform } = await import('./platform');
    const spec = makeSpec('azure', { kafkaVersion: '4.3.1' });
    const built = await buildUnderMocks(recording, () => {
      const provider = new k8s.Provider('k8s-pinned', { kubeconfig: 'kubeconfig' });
      return new KafkaPlatform(
        'platform-pinned',
        { ...makePlatformArgs(spec), kafkaMetadataVersion: '4.2-IV1' },
        { provider },
      );
    });
    const kafka = manifestNamed<KafkaManifest>(built.resources, 'Kafka', built.result.kafkaClusterName);
    expect(kafka.spec.kafka).toMatchObject({ version: '4.3.1', metadataVersion: '4.2-IV1' });
    // Still a valid Kafka for Strimzi's CRD schema.
    expect(new SchemaValidator().validate(kafka)).toEqual([]);
    expect(built.result.kafkaMetadataVersion).toBe('4.2-IV1');
  });
});
