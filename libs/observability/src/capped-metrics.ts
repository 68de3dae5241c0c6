import {
  Counter,
  Histogram,
  type CounterConfiguration,
  type HistogramConfiguration,
  type LabelValues,
} from 'prom-client';

/** The label value that stands for every value beyond the cap. */
export const OTHER_LABEL_VALUE = '_other';

/** Maps label sets so that one label takes at most `limit` distinct values. */
export type LabelCap = <L extends LabelValues<string>>(labels: L) => L;

/**
 * Caps a label whose values come from callers (e.g. GraphQL operation names, chosen by whoever sends the
 * query): the first `limit` distinct names that look like names are kept, any other becomes `_other`, so a
 * client cannot grow the series count (and every scrape) without bound.
 */
export function capLabel(label: string, limit: number): LabelCap {
  const seen = new Set<string>();
  return <L extends LabelValues<string>>(labels: L): L => {
    const value = labels[label];
    if (value === undefined) return labels;
    const text = String(value);
    if (seen.has(text)) return labels;
    if (seen.size < limit && /^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(text)) {
      seen.add(text);
      return labels;
    }
    return { ...labels, [label]: OTHER_LABEL_VALUE };
  };
}

const isLabelSet = (value: unknown): value is LabelValues<string> =>
  typeof value === 'object' && value !== null && !('exemplarLabels' in value);

// prom-client's constructors assign `inc` and `observe` on the instance (with or without exemplars), so the
// cap wraps those functions after construction rather than overriding the prototype's methods.

/** A Counter whose label sets go through a cap first. */
export class CappedCounter<T extends string> extends Counter<T> {
  constructor(configuration: CounterConfiguration<T>, cap: LabelCap) {
    super(configuration);
    const inc = this.inc.bind(this) as (...args: unknown[]) => void;
    this.inc = (first?: unknown, ...rest: unknown[]) => inc(isLabelSet(first) ? cap(first) : first, ...rest);
  }
}

/** A Histogram whose label sets go through a cap first. */
export class CappedHistogram<T extends string> extends Histogram<T> {
  constructor(configuration: HistogramConfiguration<T>, cap: LabelCap) {
    super(configuration);
    const observe = this.observe.bind(this) as (...args: unknown[]) => void;
    this.observe = (first?: unknown, ...rest: unknown[]) =>
      observe(isLabelSet(first) ? cap(first) : first, ...rest);
  }
}
