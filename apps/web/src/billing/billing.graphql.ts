import { graphql } from '../generated';

export const creditBalanceQuery = graphql(`
  query CreditBalance {
    creditBalance {
      granted {
        amount
        currency
        minor
      }
      used {
        amount
        currency
        minor
      }
      remaining {
        amount
        currency
        minor
      }
      expired {
        amount
        currency
        minor
      }
      nextExpiry
      grants {
        id
        reason
        grantedAt
        expiresAt
        expired
        amount {
          amount
          currency
          minor
        }
        remaining {
          amount
          currency
          minor
        }
        burned {
          amount
          currency
          minor
        }
        projected {
          amount
          currency
          minor
        }
      }
    }
  }
`);

export const currentPeriodEstimateQuery = graphql(`
  query CurrentPeriodEstimate {
    currentPeriodEstimate {
      periodStart
      periodEnd
      computedAt
      pendingHours
      planId
      subtotal {
        amount
        currency
        minor
      }
      creditsApplied {
        amount
        currency
        minor
      }
      total {
        amount
        currency
        minor
      }
      lines {
        deploymentId
        deploymentName
        dimension
        dimensionName
        description
        quantity
        unit
        unitPriceMinor
        late
        usagePeriodStart
        amount {
          amount
          currency
          minor
        }
      }
    }
  }
`);

export const pricePlanQuery = graphql(`
  query PricePlan {
    pricePlan {
      id
      name
      description
      currency
      prices {
        dimension
        dimensionName
        unit
        unitPrice
        unitPriceMinor
      }
    }
  }
`);

export const invoicesQuery = graphql(`
  query Invoices($after: String, $first: Int!) {
    invoices(after: $after, first: $first) {
      items {
        id
        number
        status
        periodStart
        periodEnd
        finalizedAt
        computedAt
        subtotal {
          amount
          currency
          minor
        }
        creditsApplied {
          amount
          currency
          minor
        }
        total {
          amount
          currency
          minor
        }
      }
      nextCursor
    }
  }
`);

export const invoiceQuery = graphql(`
  query Invoice($invoiceId: ID!) {
    invoice(invoiceId: $invoiceId) {
      id
      number
      status
      periodStart
      periodEnd
      finalizedAt
      computedAt
      planId
      subtotal {
        amount
        currency
        minor
      }
      creditsApplied {
        amount
        currency
        minor
      }
      total {
        amount
        currency
        minor
      }
      lines {
        deploymentId
        deploymentName
        dimension
        dimensionName
        description
        quantity
        unit
        unitPriceMinor
        late
        usagePeriodStart
        amount {
          amount
          currency
          minor
        }
      }
    }
  }
`);

export const notificationsQuery = graphql(`
  query Notifications {
    notifications(first: 20, unreadOnly: true) {
      id
      kind
      message
      createdAt
      readAt
    }
  }
`);

export const markNotificationReadMutation = graphql(`
  mutation MarkNotificationRead($notificationId: ID!) {
    markNotificationRead(notificationId: $notificationId) {
      id
      readAt
    }
  }
`);
