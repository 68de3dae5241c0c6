import type { PipelineSpec } from '../spec/pipeline-spec';
import { layoutOf } from '../spec/topic-layout';

/** A pipeline's edges: the topic each stage reads → every topic it writes. */
export function edgesOf(spec: PipelineSpec): [from: string, to: string][] {
  const edges: [string, string][] = [];
  const layout = layoutOf(spec);
  layout.forEach((stage, index) => {
    // A source reads from outside Kafka (or only names its topic): the chain starts at its topic.
    const from = index === 0 ? undefined : (stage.inputTopic ?? layout[index - 1]?.outputTopic);
    if (from === undefined) return;
    for (const to of stage.writeTopics) edges.push([from, to]);
  });
  return edges;
}

/**
 * A cycle among the topics the given pipelines move data between (a path of topics that comes back to its
 * start), or undefined. Data put on such a loop would circulate for ever.
 */
export function findTopicCycle(specs: PipelineSpec[]): string[] | undefined {
  const next = new Map<string, Set<string>>();
  for (const spec of specs) {
    for (const [from, to] of edgesOf(spec)) {
      if (!next.has(from)) next.set(from, new Set());
      next.get(from)!.add(to);
    }
  }
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (topic: string): string[] | undefined => {
    state.set(topic, 'visiting');
    path.push(topic);
    for (const to of next.get(topic) ?? []) {
      if (state.get(to) === 'visiting') return [...path.slice(path.indexOf(to)), to];
      if (!state.has(to)) {
        const found = visit(to);
        if (found) return found;
      }
    }
    path.pop();
    state.set(topic, 'done');
    return undefined;
  };
  for (const topic of [...next.keys()].sort()) {
    if (state.has(topic)) continue;
    const found = visit(topic);
    if (found) return found;
  }
  return undefined;
}
