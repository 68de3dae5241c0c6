import { graphql } from '../generated';

export const metersQuery = graphql(`
  query Meters {
    meters {
      dimension
      displayName
      unit
      aggregation
      description
    }
  }
`);

export const usageQuery = graphql(`
  query Usage(
    $range: UsageRangeInput!
    $granularity: UsageGranularity!
    $deploymentId: ID
    $dimension: String
  ) {
    usage(range: $range, granularity: $granularity, deploymentId: $deploymentId, dimension: $dimension) {
      from
      to
      granularity
      points {
        bucketStart
        deploymentId
        deploymentName
        dimension
        quantity
        unit
      }
    }
  }
`);

export const currentPeriodUsageQuery = graphql(`
  query CurrentPeriodUsage {
    currentPeriodUsage {
      periodStart
      periodEnd
      totals {
        deploymentId
        deploymentName
        dimension
        quantity
        unit
      }
    }
  }
`);
