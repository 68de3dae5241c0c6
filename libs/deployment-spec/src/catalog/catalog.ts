import { assertNever } from '@streamplane/errors';
import type { Cloud } from '../deployment-spec';
import { AWS_CATALOG } from './aws.catalog';
import { AZURE_CATALOG } from './azure.catalog';
import type { CloudCatalog, NodeSize, Region } from './catalog.types';

export function catalogFor(cloud: Cloud): CloudCatalog {
  switch (cloud) {
    case 'azure':
      return AZURE_CATALOG;
    case 'aws':
      return AWS_CATALOG;
    default:
      return assertNever(cloud);
  }
}

export function findRegion(cloud: Cloud, region: string): Region | undefined {
  return catalogFor(cloud).regions.find((candidate) => candidate.name === region);
}

export function findNodeSize(cloud: Cloud, nodeSize: string): NodeSize | undefined {
  return catalogFor(cloud).nodeSizes.find((candidate) => candidate.name === nodeSize);
}
