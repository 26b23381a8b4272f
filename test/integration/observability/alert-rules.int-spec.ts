import { METRICS_REGISTRY } from '@ricochet/observability';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Registry } from 'prom-client';
import { parse as parseYaml } from 'yaml';
import { type Apps, type Scrape, scrape, startApps } from './observability.fixture';

const ROOT = join(__dirname, '..', '..', '..');

// promtool (run by CI) checks the rules' syntax; it cannot know which metrics Ricochet exports, so the rules and the dashboard are checked here too: each
// query must parse (brackets, matchers, durations, functions) and name only metrics and labels that the
// gateway and the worker really export, as read from their /metrics.

/** PromQL functions and aggregations the rules and panels may use. */
const FUNCTIONS = new Set([
  'abs',
  'avg',
  'avg_over_time',
  'clamp_min',
  'count',
  'delta',
  'histogram_quantile',
  'increase',
  'irate',
  'max',
  'max_over_time',
  'min',
  'rate',
  'sum',
  'topk',
]);
const KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'and',
  'or',
  'unless',
  'offset',
]);
/** Series Prometheus makes itself, and the target labels it adds to every series. */
const PROMETHEUS_SERIES: Record<string, string[]> = { up: [] };
const TARGET_LABELS = ['job', 'instance', 'app'];
const HISTOGRAM_SUFFIXES = ['_bucket', '_sum', '_count'];
const DURATION = /^\d+(ms|s|m|h|d|w|y)$/;

interface Matcher {
  label: string;
  op: string;
  value: string;
}
interface Selector {
  metric: string;
  matchers: Matcher[];
}
interface Analysis {
  selectors: Selector[];
  /** Labels named in by/without/on/ignoring clauses. */
  groupings: string[];
  aggregated: boolean;
}

/** A small PromQL reader: enough to find every selector, grouping and function, and to refuse nonsense. */
function analyse(raw: string): Analysis {
  let expr = raw.replace(/\$__rate_interval|\$__interval|\$__range/g, '5m');
  const problems: string[] = [];
  const selectors: Selector[] = [];
  expr = expr.replace(
    /([a-zA-Z_:][a-zA-Z0-9_:]*)?\s*\{([^}]*)\}/g,
    (_all, metric: string | undefined, body: string) => {
      if (!metric) problems.push(`selector without a metric name: {${body}}`);
      const matchers: Matcher[] = [];
      for (const part of body
        .split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/)
        .map((p) => p.trim())
        .filter(Boolean)) {
        const m = /^([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"$/.exec(part);
        if (!m) {
          problems.push(`bad matcher ${part}`);
          continue;
        }
        if (m[2].includes('~')) {
          try {
            new RegExp(`^(?:${m[3]})$`);
          } catch {
            problems.push(`bad regex in ${part}`);
          }
        }
        matchers.push({ label: m[1], op: m[2], value: m[3] });
      }
      selectors.push({ metric: metric ?? '', matchers });
      return ' __selector__ ';
    },
  );
  expr = expr.replace(/\[([^\]]*)\]/g, (_all, range: string) => {
    const parts = range.split(':');
    if (
      parts.length > 2 ||
      !DURATION.test(parts[0]) ||
      (parts.length === 2 && parts[1] !== '' && !DURATION.test(parts[1]))
    ) {
      problems.push(`bad range [${range}]`);
    }
    return ' ';
  });
  const groupings: string[] = [];
  let aggregated = false;
  expr = expr.replace(
    /\b(by|without|on|ignoring)\s*\(([^)]*)\)/g,
    (_all, keyword: string, labels: string) => {
      if (keyword === 'by' || keyword === 'without') aggregated = true;
      groupings.push(
        ...labels
          .split(',')
          .map((label) => label.trim())
          .filter(Boolean),
      );
      return ' ';
    },
  );
  let depth = 0;
  for (const char of expr) {
    depth += char === '(' ? 1 : char === ')' ? -1 : 0;
    if (depth < 0) problems.push('unbalanced parentheses');
  }
  if (depth !== 0) problems.push('unbalanced parentheses');
  for (const match of expr.matchAll(/(?<![\w.])([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?/g)) {
    const [, word, call] = match;
    if (word === '__selector__' || KEYWORDS.has(word)) continue;
    if (call) {
      if (!FUNCTIONS.has(word)) problems.push(`unknown function ${word}`);
      if (['sum', 'max', 'min', 'avg', 'count', 'topk'].includes(word)) aggregated = true;
      continue;
    }
    selectors.push({ metric: word, matchers: [] });
  }
  if (problems.length > 0) throw new Error(`${raw}: ${problems.join('; ')}`);
  return { selectors, groupings, aggregated };
}

/** What the processes export: metric families, their label names and, for gauges, the label values seen. */
interface Exported {
  families: Map<string, string>;
  labels: Map<string, Set<string>>;
  scrapes: Scrape[];
}

function checkQuery(expr: string, exported: Exported): Analysis {
  const analysis = analyse(expr);
  const allowed = new Set([...TARGET_LABELS]);
  for (const { metric, matchers } of analysis.selectors) {
    const base = exported.families.has(metric)
      ? metric
      : HISTOGRAM_SUFFIXES.map((suffix) => metric.slice(0, -suffix.length)).find(
          (name, i) => metric.endsWith(HISTOGRAM_SUFFIXES[i]) && exported.families.get(name) === 'histogram',
        );
    const known = base ?? (metric in PROMETHEUS_SERIES ? metric : undefined);
    if (known === undefined)
      throw new Error(`${expr}: ${metric} is not exported by the gateway or the worker`);
    const labels = new Set([
      ...TARGET_LABELS,
      ...(exported.labels.get(known) ?? PROMETHEUS_SERIES[known] ?? []),
    ]);
    if (metric.endsWith('_bucket')) labels.add('le');
    labels.forEach((label) => allowed.add(label));
    for (const matcher of matchers) {
      if (!labels.has(matcher.label)) throw new Error(`${expr}: ${metric} has no label ${matcher.label}`);
      if (matcher.op !== '=' || exported.families.get(known) !== 'gauge') continue;
      // Scrape-time gauges write every label value they know, so a value never seen is a typo.
      const seen = new Set(
        exported.scrapes.flatMap((s) => s.select(known).map((sample) => sample.labels[matcher.label])),
      );
      if (seen.size > 0 && !seen.has(matcher.value)) {
        throw new Error(
          `${expr}: ${metric} never has ${matcher.label}="${matcher.value}" (seen: ${[...seen].join()})`,
        );
      }
    }
  }
  for (const label of analysis.groupings) {
    if (!allowed.has(label)) throw new Error(`${expr}: no metric in the query has the label ${label}`);
  }
  return analysis;
}

interface Rule {
  alert?: string;
  expr?: unknown;
  for?: unknown;
  labels?: Record<string, unknown>;
  annotations?: Record<string, unknown>;
}

describe('deploy/: Prometheus alert rules and the Grafana dashboard', () => {
  let apps: Apps;
  let exported: Exported;

  beforeAll(async () => {
    apps = await startApps('alert rules');
    const { url: workerUrl } = await apps.startWorker();
    const scrapes = [await scrape(apps.gatewayUrl), await scrape(workerUrl)];
    const families = new Map<string, string>();
    for (const s of scrapes) s.families().forEach((type, name) => families.set(name, type));
    const labels = new Map<string, Set<string>>();
    for (const app of [apps.gateway, apps.worker!]) {
      const registry = app.get<Registry>(METRICS_REGISTRY);
      for (const name of families.keys()) {
        const metric = registry.getSingleMetric(name) as unknown as { labelNames?: string[] } | undefined;
        const set = labels.get(name) ?? new Set<string>();
        (metric?.labelNames ?? []).forEach((label) => set.add(label));
        labels.set(name, set);
      }
    }
    exported = { families, labels, scrapes };
  });

  afterAll(async () => {
    await apps?.close();
  });

  it('reads the queries as PromQL and refuses broken ones', () => {
    expect(() => analyse('sum(rate(ricochet_x_total[5m])')).toThrow('unbalanced');
    expect(() => analyse('rate(ricochet_x_total[5 minutes])')).toThrow('bad range');
    expect(() => analyse('ricochet_x{state=dead}')).toThrow('bad matcher');
    expect(() => analyse('sumrate(ricochet_x[5m])')).toThrow('unknown function');
    expect(() => checkQuery('ricochet_no_such_metric > 0', exported)).toThrow('not exported');
    expect(() => checkQuery('ricochet_deliveries{status="dead"}', exported)).toThrow('no label status');
    expect(() => checkQuery('ricochet_deliveries{state="deadd"}', exported)).toThrow('never has');
    expect(() => checkQuery('sum by (queue) (ricochet_deliveries)', exported)).toThrow('no metric');
    expect(
      checkQuery(
        'histogram_quantile(0.9, sum by (le, route) (rate(ricochet_http_request_duration_seconds_bucket[5m])))',
        exported,
      ).groupings,
    ).toEqual(['le', 'route']);
  });

  it('alerts.yml: every rule is well formed and queries metrics the product exports', () => {
    const file = parseYaml(readFileSync(join(ROOT, 'deploy/prometheus/alerts.yml'), 'utf8')) as {
      groups: { name: string; rules: Rule[] }[];
    };
    const rules = file.groups.flatMap((group) => group.rules);
    const names = rules.map((rule) => rule.alert);
    expect(new Set(names).size).toBe(names.length);
    expect(rules.length).toBeGreaterThanOrEqual(12);
    for (const rule of rules) {
      expect(rule.alert).toMatch(/^Ricochet[A-Z][A-Za-z]+$/);
      expect(typeof rule.expr).toBe('string');
      expect(rule.for ?? '0m').toMatch(DURATION);
      expect(['critical', 'warning', 'info']).toContain(rule.labels?.severity);
      expect(typeof rule.annotations?.summary).toBe('string');
      expect(typeof rule.annotations?.description).toBe('string');
      const analysis = checkQuery(rule.expr as string, exported);
      // Templates may only name labels the alert's series carry.
      const carried = analysis.aggregated
        ? new Set(analysis.groupings)
        : new Set([
            ...TARGET_LABELS,
            ...analysis.selectors.flatMap((s) => [...(exported.labels.get(s.metric) ?? [])]),
          ]);
      const text = `${String(rule.annotations?.summary)} ${String(rule.annotations?.description)}`;
      for (const [, label] of text.matchAll(/\$labels\.(\w+)/g)) {
        if (!carried.has(label)) throw new Error(`${rule.alert}: its series carry no label ${label}`);
      }
    }
  });

  it('alerts.yml covers the failures operators need to hear about', () => {
    const text = readFileSync(join(ROOT, 'deploy/prometheus/alerts.yml'), 'utf8');
    for (const metric of [
      'ricochet_deliveries{state="dead"}',
      'ricochet_queue_oldest_job_age_seconds{state="waiting"}',
      'ricochet_endpoint_breaker_state',
      'status_code="503"',
      'ricochet_dependency_up',
      'ricochet_mongodb_command_failures_total',
      'ricochet_redis_errors_total',
    ]) {
      expect(text).toContain(metric);
    }
  });

  it('ricochet.json: every panel queries metrics the product exports', () => {
    const dashboard = JSON.parse(readFileSync(join(ROOT, 'deploy/grafana/ricochet.json'), 'utf8')) as {
      uid: string;
      panels: {
        id: number;
        type: string;
        title: string;
        gridPos: { x: number; w: number };
        datasource?: { uid: string };
        targets?: { expr: string }[];
      }[];
      templating: { list: { name: string; type: string }[] };
    };
    expect(dashboard.uid).toBe('ricochet-overview');
    expect(dashboard.templating.list).toContainEqual(
      expect.objectContaining({ name: 'datasource', type: 'datasource' }),
    );
    const ids = dashboard.panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    const queried = new Set<string>();
    for (const panel of dashboard.panels.filter((p) => p.type !== 'row')) {
      expect(panel.title).not.toBe('');
      expect(panel.gridPos.x + panel.gridPos.w).toBeLessThanOrEqual(24);
      expect(panel.datasource?.uid).toBe('${datasource}');
      expect(panel.targets?.length).toBeGreaterThan(0);
      for (const target of panel.targets ?? []) {
        checkQuery(target.expr, exported).selectors.forEach((s) =>
          queried.add(s.metric.replace(/_(bucket|sum|count)$/, '')),
        );
      }
    }
    // Every Ricochet metric has a panel.
    const ricochet = [...exported.families.keys()].filter((name) => name.startsWith('ricochet_'));
    expect(ricochet.filter((name) => !queried.has(name))).toEqual([]);
  });
});
