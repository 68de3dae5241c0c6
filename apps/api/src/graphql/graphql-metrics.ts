import type { Metrics } from '@streamplane/observability';
import { Kind, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import type { MercuriusContext } from 'mercurius';

type TimedContext = MercuriusContext & {
  graphqlStartedAt?: bigint;
  graphqlOperation?: { type: string; operation: string };
};

function operationOf(document: DocumentNode): { type: string; operation: string } {
  const definition = document.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  return { type: definition?.operation ?? 'unknown', operation: definition?.name?.value ?? 'anonymous' };
}

/** Mercurius hooks that count GraphQL operations and time their execution, per type and name. */
export function graphqlMetricsHooks(metrics: Metrics) {
  return {
    preExecution: (_schema: unknown, document: DocumentNode, context: TimedContext) => {
      context.graphqlStartedAt = process.hrtime.bigint();
      context.graphqlOperation = operationOf(document);
      return Promise.resolve();
    },
    onResolution: (execution: { errors?: readonly unknown[] }, context: TimedContext) => {
      const labels = context.graphqlOperation ?? { type: 'unknown', operation: 'anonymous' };
      const outcome = execution.errors?.length ? 'error' : 'success';
      metrics.graphqlOperations.inc({ ...labels, outcome });
      if (context.graphqlStartedAt !== undefined) {
        const seconds = Number(process.hrtime.bigint() - context.graphqlStartedAt) / 1e9;
        metrics.graphqlDuration.observe(labels, seconds);
      }
      return Promise.resolve();
    },
  };
}
