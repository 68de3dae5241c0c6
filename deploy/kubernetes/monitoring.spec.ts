import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
/* eslint-disable @nx/enforce-module-boundaries --
   deploy/ belongs to no Nx project of its own: it reads the metrics the processes register from the one class
   that registers them, and the repository root from the test tooling of infra/. */
import { Metrics } from '../../libs/observability/src/metrics';
import { repositoryRoot } from '../../infra/platform/testing/schema-validator';
/* eslint-enable @nx/enforce-module-boundaries */

/**
 * The monitoring component against the code: every alert has a severity and a runbook that exists, and every
 * PromQL expression (alert rules and dashboard panels) names only series that Streamplane's processes export
 * (libs/observability's Metrics, default process metrics included) or well-known series of Prometheus itself
 * and kube-state-metrics, with only the labels those series carry.
 */

const ROOT = repositoryRoot(__dirname);
const MONITORING = join(ROOT, 'deploy', 'kubernetes', 'components', 'monitoring');
const RUNBOOKS = join(ROOT, 'docs', 'runbooks');

/** Series from outside Streamplane's code, with the labels the rules use. */
const WELL_KNOWN: Record<string, string[]> = {
  // Prometheus, for every target.
  up: [],
  // kube-state-metrics.
  kube_deployment_status_replicas_unavailable: ['deployment'],
};
/** Labels Prometheus and the prometheus-operator put on every scraped series. */
const TARGET_LABELS = ['job', 'namespace', 'pod', 'instance', 'container', 'service', 'endpoint'];
const SEVERITIES = ['critical', 'warning', 'info'];

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'by', 'without', 'on', 'ignoring']);

/** Series a PromQL expression selects, each with the label names it matches on. */
export function seriesIn(expr: string): { name: string; labels: string[] }[] {
  const found: { name: string; labels: string[] }[] = [];
  const plain = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  const withoutSelectors = plain.replace(
    /([A-Za-z_:][A-Za-z0-9_:]*)?\s*\{([^}]*)\}/g,
    (_match, name: string | undefined, matchers: string) => {
      const labels = [...matchers.matchAll(/([A-Za-z_][A-Za-z0-9_]*)\s*(?:=~|!~|!=|=)/g)].map((m) => m[1]);
      if (name) found.push({ name, labels });
      return ' ';
    },
  );
  const bare = withoutSelectors
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  for (const match of bare.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)) {
    const rest = bare.slice(match.index + match[0].length);
    const isFunction = /^\s*\(/.test(rest);
    const isNumberPart = /[0-9.]$/.test(bare.slice(0, match.index)); // e.g. the "e" of 1e3
    if (!isFunction && !isNumberPart && !KEYWORDS.has(match[0])) found.push({ name: match[0], labels: [] });
  }
  return found;
}

/** Every series Streamplane exports, with its label names (histogram buckets add `le`). */
function exportedSeries(): Map<string, string[]> {
  const metrics = new Metrics();
  const series = new Map<string, string[]>();
  for (const name of metrics.exportableSeriesNames()) series.set(name, []);
  const all = [...Object.values(metrics), ...metrics.registry.getMetricsAsArray()];
  for (const metric of all) {
    const { name, labelNames } = (metric ?? {}) as { name?: unknown; labelNames?: string[] };
    if (typeof name !== 'string') continue;
    for (const [suffix, extra] of [
      ['', []],
      ['_bucket', ['le']],
      ['_sum', []],
      ['_count', []],
    ] as const) {
      if (series.has(name + suffix)) series.set(name + suffix, [...(labelNames ?? []), ...extra]);
    }
  }
  return series;
}

/** Problems with one expression: unknown series, or labels the series does not carry. */
function problemsOf(where: string, expr: string, known: Map<string, string[]>): string[] {
  const problems: string[] = [];
  const selected = seriesIn(expr);
  if (selected.length === 0) problems.push(`${where}: selects no series`);
  for (const { name, labels } of selected) {
    const own = known.get(name) ?? WELL_KNOWN[name];
    if (!own) {
      problems.push(`${where}: ${name} is neither registered by Streamplane nor well known`);
      continue;
    }
    for (const label of labels) {
      if (!own.includes(label) && !TARGET_LABELS.includes(label))
        problems.push(`${where}: ${name} has no label ${label}`);
    }
  }
  return problems;
}

const rules: Rule[] = (
  parse(readFileSync(join(MONITORING, 'rules.yaml'), 'utf8')) as { spec: { groups: { rules: Rule[] }[] } }
).spec.groups.flatMap((group) => group.rules);
const alerts = rules.filter((rule): rule is Rule & { alert: string } => !!rule.alert);
const dashboard = JSON.parse(readFileSync(join(MONITORING, 'dashboards', 'streamplane.json'), 'utf8')) as {
  uid: string;
  panels: { id: number; type: string; title: string; targets?: { expr: string }[] }[];
};

describe('the PromQL reader of this test', () => {
  it('finds series and their label matchers, and skips functions, keywords, ranges and grouping', () => {
    expect(
      seriesIn(
        'sum by (namespace, job) (rate(a_total{x="1", y=~"b|c"}[5m])) / on (job) b > 4 * 3600 or absent(up{job="j"})',
      ),
    ).toEqual([
      { name: 'a_total', labels: ['x', 'y'] },
      { name: 'up', labels: ['job'] },
      { name: 'b', labels: [] },
    ]);
  });
});

describe('alert rules (components/monitoring/rules.yaml)', () => {
  const known = exportedSeries();

  it('cover what an operator of Streamplane is paged for', () => {
    expect(alerts.map((a) => a.alert)).toEqual(
      expect.arrayContaining([
        'StreamplaneApiDown',
        'StreamplaneWorkerDown',
        'StreamplaneReplicasNotReady',
        'StreamplaneOperationStuck',
        'StreamplaneOperationsFailing',
        'StreamplaneQueueBacklog',
        'StreamplaneIngestRejections',
        'StreamplaneIngestServerErrors',
        'StreamplaneBillingRollupBehind',
      ]),
    );
    expect(new Set(alerts.map((a) => a.alert)).size).toBe(alerts.length);
  });

  it.each(alerts.map((a) => [a.alert, a] as const))(
    '%s has a severity, a summary, a pending period and a runbook that exists',
    (name, alert) => {
      expect(SEVERITIES).toContain(alert.labels?.severity);
      expect(alert.for).toMatch(/^\d+[smh]$/);
      expect(alert.annotations?.summary).toBeTruthy();
      expect(alert.annotations?.runbook_url).toMatch(new RegExp(`^https://\\S+/docs/runbooks/${name}\\.md$`));
      const runbook = join(RUNBOOKS, `${name}.md`);
      expect(existsSync(runbook)).toBe(true);
      const text = readFileSync(runbook, 'utf8');
      expect(text).toContain(`# ${name}`);
      for (const section of ['## What it means', '## How to check', '## What to do'])
        expect(text).toContain(section);
      expect(text).toMatch(/kubectl /);
    },
  );

  it('have no runbook without an alert', () => {
    const pages = readdirSync(RUNBOOKS).filter((file) => file.endsWith('.md') && file !== 'README.md');
    expect(pages.map((file) => file.replace(/\.md$/, '')).sort()).toEqual(alerts.map((a) => a.alert).sort());
  });

  it('query only series that the code registers or that are well known, by labels they carry', () => {
    const problems = rules.flatMap((rule) => problemsOf(rule.alert ?? rule.record ?? '?', rule.expr, known));
    expect(problems).toEqual([]);
  });
});

describe('Grafana dashboard (components/monitoring/dashboards/streamplane.json)', () => {
  const known = exportedSeries();
  const graphs = dashboard.panels.filter((panel) => panel.type !== 'row');

  it('parses, with unique panel ids, every panel querying something', () => {
    expect(dashboard.uid).toBe('streamplane-overview');
    expect(new Set(dashboard.panels.map((p) => p.id)).size).toBe(dashboard.panels.length);
    for (const panel of graphs)
      expect({ panel: panel.title, targets: panel.targets?.length ?? 0 }).not.toEqual({
        panel: panel.title,
        targets: 0,
      });
  });

  it('queries only series that the code registers or that are well known, by labels they carry', () => {
    const problems = graphs.flatMap((panel) =>
      (panel.targets ?? []).flatMap((target) => problemsOf(panel.title, target.expr, known)),
    );
    expect(problems).toEqual([]);
  });

  it('shows the signals the runbooks point at', () => {
    const queried = new Set(
      graphs.flatMap((panel) => (panel.targets ?? []).flatMap((t) => seriesIn(t.expr).map((s) => s.name))),
    );
    for (const name of [
      'streamplane_http_request_duration_seconds_bucket',
      'streamplane_graphql_operations_total',
      'streamplane_graphql_subscriptions_active',
      'streamplane_queue_jobs',
      'streamplane_job_duration_seconds_bucket',
      'streamplane_operations_total',
      'streamplane_ingest_events_total',
      'streamplane_billing_rollup_lag_seconds',
      'streamplane_billing_credits_burned_cents_total',
    ]) {
      expect(queried).toContain(name);
    }
  });
});
