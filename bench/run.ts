/**
 * `npm run bench -- [benchmark …] [--quick] [options of the one benchmark named] [--json PATH]`
 *
 * Runs the benchmarks in bench/ one after the other — each in a process of its own, so that one's
 * leftovers (its heap, its timers, Pulumi's runtime mocks) cannot slow the next — then prints one summary
 * table (benchmark, figure, the ceiling measured in the same run, ratio) and writes the same as JSON:
 * bench/results/latest.json for a run of every benchmark, bench/results/<name>.json for a run of some
 * (`--json PATH` to choose). Each benchmark prints its own detailed table as it finishes.
 *
 *   npm run bench                               every benchmark at its default size (~30 min on 2 cores)
 *   npm run bench -- --quick                    every benchmark at its small size (~4 min)
 *   npm run bench -- ingest                     one benchmark …
 *   npm run bench -- deployments --deployments 20   … with its own options (`-- <name> --help`)
 *   npm run bench -- graphql rollup --quick     some benchmarks
 *
 * A benchmark that fails is reported in the summary and the JSON; the others still run; the exit code is 1.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  machine,
  RESULTS_FILE_ENV,
  ratioOf,
  summaryTable,
  type BenchOutput,
  type BenchResult,
} from './support/bench-result';

/** Every benchmark, in the order a full run takes them: its name and its module (bench/<name>.bench.ts). */
const BENCHMARKS = ['deployments', 'ingest', 'rollup', 'graphql'] as const;
type BenchName = (typeof BENCHMARKS)[number];

const USAGE = `Usage: npm run bench -- [${BENCHMARKS.join('|')} …] [--quick] [options of the one benchmark named] [--json PATH]
  no name: every benchmark, one after the other; options other than --quick need exactly one name
  npm run bench -- <name> --help   lists that benchmark's options`;

interface Plan {
  benches: BenchName[];
  args: string[];
  jsonPath: string;
}

function parseArgs(argv: string[]): Plan {
  const benches: BenchName[] = [];
  const args: string[] = [];
  let jsonPath: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if ((BENCHMARKS as readonly string[]).includes(arg) && args.length === 0) {
      if (!benches.includes(arg as BenchName)) benches.push(arg as BenchName);
    } else if (arg === '--json' || arg.startsWith('--json=')) {
      jsonPath = arg.startsWith('--json=') ? arg.slice('--json='.length) : argv[++i];
      if (!jsonPath) throw new Error(`--json takes a path\n${USAGE}`);
    } else if ((arg === '--help' || arg === '-h') && benches.length === 0) {
      console.log(USAGE);
      process.exit(0);
    } else {
      args.push(arg);
    }
  }
  const all = benches.length === 0;
  const perBench = args.filter((a) => a !== '--quick');
  if (perBench.length > 0 && benches.length !== 1) {
    throw new Error(
      `${JSON.stringify(perBench[0])}: ${perBench[0].startsWith('-') ? '' : 'not a benchmark; '}options other than --quick need ` +
        `exactly one benchmark named first, e.g. npm run bench -- ingest --seconds 10\n${USAGE}`,
    );
  }
  return {
    benches: all ? [...BENCHMARKS] : benches,
    args,
    jsonPath: path.resolve(
      jsonPath ?? path.join(__dirname, 'results', all ? 'latest.json' : `${benches.join('-')}.json`),
    ),
  };
}

interface BenchRun {
  name: BenchName;
  status: 'ok' | 'failed';
  /** As the benchmark parsed them (its defaults filled in). */
  options: unknown;
  startedAt: string;
  durationSeconds: number;
  loadAverageAtStart: number[];
  results: (BenchResult & { ratio: number })[];
  error?: string;
}

/** Runs bench/<name>.bench.ts in its own process; its output goes to the terminal, its results through a file. */
async function runOne(name: BenchName, args: string[], scratch: string): Promise<BenchRun> {
  const resultsFile = path.join(scratch, `${name}.json`);
  const startedAt = new Date();
  const loadAverageAtStart = machine().loadAverage;
  const started = performance.now();
  console.error(`\n[bench] ===== ${name} ${args.join(' ')}`.trimEnd());
  const child = spawn(
    process.execPath,
    ['-r', '@swc-node/register', path.join(__dirname, `${name}.bench.ts`), ...args],
    { stdio: 'inherit', env: { ...process.env, [RESULTS_FILE_ENV]: resultsFile } },
  );
  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const run: BenchRun = {
    name,
    status: 'failed',
    options: null,
    startedAt: startedAt.toISOString(),
    durationSeconds: Math.round(performance.now() - started) / 1000,
    loadAverageAtStart,
    results: [],
  };
  if (exit.code !== 0) {
    run.error = `exited with ${exit.code ?? exit.signal} (its output above says why)`;
    return run;
  }
  try {
    const output = JSON.parse(readFileSync(resultsFile, 'utf8')) as BenchOutput;
    run.options = output.options;
    run.results = output.results.map((result) => ({ ...result, ratio: ratioOf(result) }));
    run.status = 'ok';
  } catch (error) {
    run.error = `exited 0 but handed over no results: ${String(error)}`;
  }
  return run;
}

function gitCommit(): { commit: string | null; dirty: boolean | null } {
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain'], { encoding: 'utf8' }).trim() !== '';
    return { commit, dirty };
  } catch {
    return { commit: null, dirty: null };
  }
}

async function main(): Promise<number> {
  const plan = parseArgs(process.argv.slice(2));
  if (plan.args.includes('--help') || plan.args.includes('-h')) {
    const child = spawn(
      process.execPath,
      ['-r', '@swc-node/register', path.join(__dirname, `${plan.benches[0]}.bench.ts`), '--help'],
      { stdio: 'inherit' },
    );
    return new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
  }
  const scratch = mkdtempSync(path.join(tmpdir(), 'streamplane-bench-results-'));
  const startedAt = new Date();
  const machineAtStart = machine();
  const runs: BenchRun[] = [];
  // Ctrl-C reaches the benchmark too (same process group): it cleans up and exits, and so do we after it.
  let interrupted = false;
  process.on('SIGINT', () => (interrupted = true));
  try {
    for (const name of plan.benches) {
      if (interrupted) break;
      runs.push(await runOne(name, plan.args, scratch));
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }

  const report = {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    args: plan.args,
    quick: plan.args.includes('--quick'),
    machine: machineAtStart,
    git: gitCommit(),
    benchmarks: runs,
  };
  mkdirSync(path.dirname(plan.jsonPath), { recursive: true });
  writeFileSync(plan.jsonPath, `${JSON.stringify(report, null, 2)}\n`);

  const rows = runs.flatMap((run) => run.results.map((result) => ({ bench: run.name, result })));
  console.log('');
  console.log(
    `Streamplane benchmarks${report.quick ? ' (--quick)' : ''}: ${machineAtStart.cores} cores (${machineAtStart.cpu}), ` +
      `${machineAtStart.memoryGiB} GiB, Node ${machineAtStart.node}; load average at start ` +
      `${machineAtStart.loadAverage.join(' ')}; ${report.git.commit?.slice(0, 12) ?? 'no git'}` +
      `${report.git.dirty ? ' (uncommitted changes)' : ''}`,
  );
  if (rows.length > 0) console.log(summaryTable(rows));
  console.log(
    'ratio = figure ÷ ceiling: for throughput the share of the ceiling reached (higher is better), for ' +
      'latency how many times the ceiling’s (lower is better).',
  );
  for (const run of runs.filter((r) => r.status === 'failed')) {
    console.log(`FAILED: ${run.name} — ${run.error}`);
  }
  const skipped = plan.benches.slice(runs.length);
  if (skipped.length > 0) console.log(`not run (interrupted): ${skipped.join(', ')}`);
  console.log(`JSON: ${path.relative(process.cwd(), plan.jsonPath)}`);
  return runs.every((r) => r.status === 'ok') && skipped.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`[bench] ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  },
);
