/**
 * The contract between a benchmark in bench/ and `npm run bench` (bench/run.ts): each benchmark module
 * exports a `Benchmark` whose `run(options)` prints its own detailed table and returns `BenchResult`s — one
 * figure each, beside the ceiling it measured in the same run. Run as a script (`node -r @swc-node/register
 * bench/<name>.bench.ts …`), a benchmark hands its results to the runner through the file named by
 * BENCH_RESULTS_FILE, or prints them as a one-benchmark summary when run by hand.
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';

export interface BenchResult {
  /** What was measured, e.g. "overview query, requests/s". */
  metric: string;
  value: number;
  /** The unit of `value` and of the ceiling's value: "/s", "events/s", "ms". */
  unit: string;
  /** The same measure, in the same run on the same machine, with nothing of Streamplane in the way. */
  ceiling: { what: string; value: number };
  /** Throughput: "higher" (the ratio is the share of the ceiling reached); latency: "lower". */
  better: 'higher' | 'lower';
}

export interface Benchmark<Options> {
  name: string;
  /** Throws on a bad argument (with a usage hint); `--quick` selects the benchmark's small sizes. */
  parseArgs(argv: string[]): Options;
  run(options: Options): Promise<BenchResult[]>;
}

/** What a benchmark run as a script writes to BENCH_RESULTS_FILE. */
export interface BenchOutput {
  options: unknown;
  results: BenchResult[];
}

export const RESULTS_FILE_ENV = 'BENCH_RESULTS_FILE';

/** figure ÷ ceiling: below 1 for throughput (the share reached), above 1 for latency (times slower). */
export function ratioOf(result: BenchResult): number {
  return result.value / result.ceiling.value;
}

/** Nearest-rank percentile. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1];
}

export function formatValue(value: number, unit: string): string {
  if (!Number.isFinite(value)) return 'n/a';
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  const text = value.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
  return unit.startsWith('/') ? `${text}${unit}` : `${text} ${unit}`;
}

export function formatRatio(ratio: number): string {
  if (!Number.isFinite(ratio)) return 'n/a';
  // Two significant digits at least: a ratio of 0.0006 must not read as 0.
  return `${ratio >= 10 ? ratio.toFixed(1) : ratio >= 0.1 ? ratio.toFixed(2) : ratio.toPrecision(2)}×`;
}

/** A Markdown table (it reads as plain text too); `align` is 'l' or 'r' per column. */
export function table(rows: string[][], align: ('l' | 'r')[]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const line = (r: string[]) =>
    `| ${r.map((cell, c) => (align[c] === 'r' ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join(' | ')} |`;
  const rule = `|${widths.map((w, c) => (align[c] === 'r' ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`;
  return [line(rows[0]), rule, ...rows.slice(1).map(line)].join('\n');
}

/** The summary table of results: benchmark, figure, ceiling measured in the same run, ratio. */
export function summaryTable(results: { bench: string; result: BenchResult }[]): string {
  const rows = [
    ['benchmark', 'figure', 'ceiling (same run)', 'ceiling is', 'ratio'],
    ...results.map(({ bench, result }) => [
      `${bench}: ${result.metric}`,
      formatValue(result.value, result.unit),
      formatValue(result.ceiling.value, result.unit),
      result.ceiling.what,
      formatRatio(ratioOf(result)),
    ]),
  ];
  return table(rows, ['l', 'r', 'r', 'l', 'r']);
}

/** The machine as the figures were taken on it (load included: nothing else should run meanwhile). */
export function machine() {
  return {
    cores: os.availableParallelism(),
    cpu: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    loadAverage: os.loadavg().map((n) => Math.round(n * 100) / 100),
  };
}

export const log = (message: string) => console.error(`[bench] ${message}`);

/**
 * The entry point of a benchmark module run as a script: parses the command line, runs it, and hands the
 * results to the runner (BENCH_RESULTS_FILE) or prints them. Exits 1 on failure.
 */
export function runAsScript<Options>(bench: Benchmark<Options>): void {
  const main = async () => {
    const options = bench.parseArgs(process.argv.slice(2));
    const results = await bench.run(options);
    const file = process.env[RESULTS_FILE_ENV];
    if (file) {
      writeFileSync(file, JSON.stringify({ options, results } satisfies BenchOutput));
    } else {
      console.log('');
      console.log(summaryTable(results.map((result) => ({ bench: bench.name, result }))));
    }
  };
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(
        `[bench] ${bench.name} FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
      process.exit(1);
    },
  );
}
