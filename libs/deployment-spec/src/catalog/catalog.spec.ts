import { CLOUDS } from '../deployment-spec';
import { SPEC_LIMITS } from '../spec-limits';
import { catalogFor, findNodeSize, findRegion } from './catalog';

describe.each(CLOUDS)('the %s catalog', (cloud) => {
  const catalog = catalogFor(cloud);

  it('is the catalog of its cloud', () => {
    expect(catalog.cloud).toBe(cloud);
  });

  it('offers about a dozen regions, each named once and with a display name', () => {
    const names = catalog.regions.map((region) => region.name);
    expect(names.length).toBeGreaterThanOrEqual(12);
    expect(new Set(names).size).toBe(names.length);
    for (const region of catalog.regions) expect(region.displayName.trim()).not.toBe('');
  });

  it('gives every region at least three distinct zones', () => {
    for (const region of catalog.regions) {
      expect(region.zones.length).toBeGreaterThanOrEqual(3);
      expect(new Set(region.zones).size).toBe(region.zones.length);
    }
  });

  it('names zones the way the cloud does', () => {
    for (const region of catalog.regions) {
      for (const zone of region.zones) {
        if (cloud === 'azure') expect(['1', '2', '3']).toContain(zone);
        else expect(zone).toMatch(new RegExp(`^${region.name}[a-z]$`));
      }
    }
  });

  it('has positive prices everywhere', () => {
    const prices = [
      ...catalog.nodeSizes.map((size) => size.pricePerHourUsd),
      catalog.kubernetes.pricePerHourUsd,
      catalog.storage.pricePerGiBMonthUsd,
      catalog.osDisk.pricePerMonthUsd,
      catalog.loadBalancer.pricePerHourUsd,
      catalog.natGateway.pricePerHourUsd,
      catalog.publicIpv4.pricePerHourUsd,
    ];
    for (const price of prices) expect(price).toBeGreaterThan(0);
  });

  it('lists each node size once, with a plausible shape', () => {
    const names = catalog.nodeSizes.map((size) => size.name);
    expect(new Set(names).size).toBe(names.length);
    for (const size of catalog.nodeSizes) {
      expect(size.vcpu).toBeGreaterThan(0);
      expect(size.memoryGiB).toBeGreaterThanOrEqual(size.vcpu * 4);
    }
  });

  it('offers broker sizes in both families', () => {
    const { minVcpu, minMemoryGiB } = SPEC_LIMITS.brokerNode;
    const brokerSizes = catalog.nodeSizes.filter((s) => s.vcpu >= minVcpu && s.memoryGiB >= minMemoryGiB);
    expect(new Set(brokerSizes.map((size) => size.family))).toEqual(
      new Set(['general-purpose', 'memory-optimised']),
    );
  });

  it('uses controller and system node sizes that it lists', () => {
    expect(findNodeSize(cloud, catalog.controllerPool.nodeSize)).toBeDefined();
    expect(findNodeSize(cloud, catalog.systemPool.nodeSize)).toBeDefined();
    expect(catalog.systemPool.nodeCount).toBe(3);
    expect(catalog.controllerPool.storageGiB).toBeGreaterThan(0);
  });

  it('names the reference region of its prices, and that region is in the catalog', () => {
    expect(findRegion(cloud, catalog.priceReference.region)).toBeDefined();
    expect(catalog.priceReference.asOf).toMatch(/^\d{4}-\d{2}$/);
  });
});

describe('catalog lookups', () => {
  it('find regions and node sizes only in their own cloud', () => {
    expect(findRegion('azure', 'westeurope')?.zones).toEqual(['1', '2', '3']);
    expect(findRegion('aws', 'westeurope')).toBeUndefined();
    expect(findRegion('aws', 'ap-northeast-1')?.zones).toEqual([
      'ap-northeast-1a',
      'ap-northeast-1c',
      'ap-northeast-1d',
    ]);
    expect(findNodeSize('aws', 'r7i.2xlarge')).toMatchObject({ vcpu: 8, memoryGiB: 64 });
    expect(findNodeSize('azure', 'r7i.2xlarge')).toBeUndefined();
  });
});
