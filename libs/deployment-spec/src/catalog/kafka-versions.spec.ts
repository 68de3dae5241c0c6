import fs from 'node:fs';
import path from 'node:path';
import {
  compareKafkaVersions,
  defaultKafkaVersion,
  kafkaMetadataVersion,
  STRIMZI_VERSION,
  supportedKafkaVersions,
} from './kafka-versions';
import copy from './supported-kafka-versions.json';

// The shared file sits beside the repository (../shared from the repo root); production does not have it.
const SHARED_FILE = path.resolve(
  __dirname,
  '../../../../../shared/schemas/strimzi/supported-kafka-versions.json',
);
const sharedExists = fs.existsSync(SHARED_FILE);
if (!sharedExists) {
  console.warn(`Skipping the Kafka versions copy check: ${SHARED_FILE} is not on this machine.`);
}

describe('supported Kafka versions', () => {
  (sharedExists ? it : it.skip)('are an exact copy of the shared Strimzi file', () => {
    const shared: unknown = JSON.parse(fs.readFileSync(SHARED_FILE, 'utf8'));
    expect(copy).toEqual(shared);
  });

  it('come from Strimzi 1.2, oldest first, with the default among them', () => {
    expect(STRIMZI_VERSION).toBe('1.2.0');
    const versions = supportedKafkaVersions();
    expect(versions).toEqual([...versions].sort(compareKafkaVersions));
    expect(versions).toContain(defaultKafkaVersion());
  });

  it('have a KRaft metadata version each', () => {
    for (const version of supportedKafkaVersions())
      expect(kafkaMetadataVersion(version)).toMatch(/^\d+\.\d+-IV\d+$/);
    expect(kafkaMetadataVersion('3.9.0')).toBeUndefined();
  });

  it('compare numerically, not as text', () => {
    expect(compareKafkaVersions('4.10.0', '4.9.1')).toBeGreaterThan(0);
    expect(compareKafkaVersions('4.3.0', '4.3.1')).toBeLessThan(0);
    expect(compareKafkaVersions('4.3.1', '4.3.1')).toBe(0);
  });
});
