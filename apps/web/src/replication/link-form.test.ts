import { describe, expect, it } from 'vitest';
import {
  patternProblem,
  splitPatterns,
  validateLink,
  type LinkableDeployment,
  type LinkFormValues,
} from './link-form';

const east: LinkableDeployment = {
  id: 'dep-east',
  name: 'orders-east',
  status: 'RUNNING',
  region: 'us-east-1',
  spec: { externalListener: true, clientAuthentication: 'SCRAM_SHA_512' },
};
const west: LinkableDeployment = { ...east, id: 'dep-west', name: 'orders-west', region: 'us-west-2' };
const values = (overrides: Partial<LinkFormValues> = {}): LinkFormValues => ({
  sourceDeploymentId: east.id,
  targetDeploymentId: west.id,
  mode: 'ONE_WAY',
  topicNaming: 'PREFIXED',
  topics: 'orders, payments.*',
  consumerGroups: '*',
  ...overrides,
});

describe('the create-link form’s checks (the api’s, made first)', () => {
  it('accepts two running deployments in different regions with valid patterns', () => {
    expect(validateLink(values(), [east, west])).toEqual({});
    expect(splitPatterns('orders,\n payments.* ,orders')).toEqual(['orders', 'payments.*']);
  });

  it('takes names, prefixes ending in * and * alone, nothing else', () => {
    expect(patternProblem('*')).toBeUndefined();
    expect(patternProblem('payments.*')).toBeUndefined();
    expect(patternProblem('pay*ments')).toMatch(/with \* only at the end/);
    expect(patternProblem('orders.(eu|us)')).toMatch(/letters, digits/);
    expect(validateLink(values({ topics: ' , ' }), [east, west]).topics).toMatch(/at least one topic/);
  });

  it('refuses the same deployment, the same region, and a deployment that is not running', () => {
    expect(validateLink(values({ targetDeploymentId: east.id }), [east, west]).targetDeploymentId).toMatch(
      /different deployment/,
    );
    const sameRegion = { ...west, region: 'us-east-1' };
    expect(validateLink(values(), [east, sameRegion]).targetDeploymentId).toMatch(/Both are in us-east-1/);
    expect(validateLink(values(), [east, { ...west, status: 'UPDATING' }]).targetDeploymentId).toBe(
      'orders-west is not running.',
    );
  });

  it('needs the external listener on every side mirrored from, and prefixed names both ways', () => {
    const closed = { ...west, spec: { ...west.spec, externalListener: false } };
    expect(validateLink(values(), [east, closed])).toEqual({});
    expect(validateLink(values({ mode: 'TWO_WAY' }), [east, closed]).targetDeploymentId).toMatch(
      /enable it on orders-west/,
    );
    expect(
      validateLink(values({ mode: 'TWO_WAY', topicNaming: 'IDENTITY' }), [east, west]).topicNaming,
    ).toMatch(/prefixed names/);
  });
});
