import { describe, expect, it } from 'vitest';
import {
  defaultZones,
  formFieldOf,
  initialSpecValues,
  specFormErrors,
  specKey,
  toSpecInput,
} from './spec-form';

const account = { id: 'acc', provider: 'AWS' as const, allowedRegions: ['eu-west-1', 'us-east-1'] };

describe('the order form', () => {
  const valid = { ...initialSpecValues(account), name: 'orders' };

  it('starts from the catalog’s defaults in a region the account allows', () => {
    const values = initialSpecValues({ ...account, allowedRegions: ['eu-west-1'] });
    expect(values.region).toBe('eu-west-1');
    expect(values.zones).toEqual(['eu-west-1a', 'eu-west-1b', 'eu-west-1c']);
    expect(specFormErrors({ ...values, name: 'orders' }, 'AWS')).toEqual({});
  });

  it('checks the spec with the rules the api applies, on the right fields', () => {
    const errors = specFormErrors(
      {
        ...valid,
        name: '1-bad',
        zones: ['us-east-1a', 'us-east-1b'],
        brokers: 2,
        storagePerBrokerGiB: 50,
        nodeSize: 'm6i.large',
      },
      'AWS',
    );
    expect(Object.keys(errors).sort()).toEqual([
      'brokers',
      'name',
      'nodeSize',
      'storagePerBrokerGiB',
      'zones',
    ]);
    expect(errors.brokers).toMatch(/3/);
  });

  it('refuses an empty name and a missing account before anything else', () => {
    const errors = specFormErrors({ ...valid, name: '  ', cloudAccountId: '' }, 'AWS');
    expect(errors.name).toMatch(/Enter a name/);
    expect(errors.cloudAccountId).toMatch(/cloud account/);
  });

  it('refuses zones of another region', () => {
    expect(
      specFormErrors({ ...valid, region: 'us-east-1', zones: defaultZones('AWS', 'eu-west-1') }, 'AWS').zones,
    ).toBeDefined();
  });

  it('sends the GraphQL shape: numbers as numbers, the internal listener always on', () => {
    expect(
      toSpecInput(
        { ...valid, brokers: '4', storagePerBrokerGiB: '750', controllers: '5', externalListener: true },
        'AWS',
      ),
    ).toMatchObject({
      name: 'orders',
      cloud: 'AWS',
      brokers: 4,
      storagePerBrokerGiB: 750,
      controllers: 5,
      listeners: { internal: true, external: true },
      clientAuthentication: 'SCRAM_SHA_512',
    });
  });

  it('maps the api’s problem paths to form fields', () => {
    expect(formFieldOf('spec.zones.1')).toBe('zones');
    expect(formFieldOf('input.spec.listeners.external')).toBe('externalListener');
    expect(formFieldOf('name')).toBe('name');
  });

  it('needs a new preview once anything that changes the plan changed', () => {
    expect(specKey(valid)).toBe(specKey({ ...valid, brokers: String(valid.brokers) }));
    expect(specKey(valid)).not.toBe(specKey({ ...valid, brokers: Number(valid.brokers) + 1 }));
  });
});
