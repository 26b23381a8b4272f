/** Markdown tables of the phase results, and the product/ceiling ratios. */
import type { PhaseResult } from './phase';
import { per } from './stats';

type Cell = string | number | null | undefined;

/** Integers with thousands separators, small numbers with up to `digits` decimals; n/a when unknown. */
export function fmt(value: Cell, digits = 2): string {
  if (value === null || value === undefined) return 'n/a';
  if (typeof value === 'string') return value;
  if (!Number.isFinite(value)) return 'n/a';
  if (Math.abs(value) >= 100 || Number.isInteger(value)) return Math.round(value).toLocaleString('en-US');
  return value.toFixed(digits);
}

export function table(header: string[], rows: Cell[][], leftColumns = 2): string {
  if (rows.some((row) => row.length !== header.length)) throw new Error('a row does not match the header');
  const text = rows.map((row) => row.map((cell) => fmt(cell)));
  const widths = header.map((title, c) => Math.max(title.length, ...text.map((row) => row[c].length)));
  const line = (cells: string[]): string =>
    `| ${cells.map((cell, c) => (c < leftColumns ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join(' | ')} |`;
  const rule = `|${widths.map((width, c) => (c < leftColumns ? `${'-'.repeat(width + 2)}` : `${'-'.repeat(width + 1)}:`)).join('|')}|`;
  return [line(header), rule, ...text.map(line)].join('\n');
}

function label(result: PhaseResult): string[] {
  return [result.chain, result.phase];
}

export function renderReport(results: PhaseResult[]): string {
  const out: string[] = [];
  out.push('Throughput, latency, every id accounted for');
  out.push(
    table(
      [
        'chain',
        'phase',
        'sent',
        'non-200',
        'intake/s',
        'intake p99 ms',
        'pacer lag p99 ms',
        'fwd/s',
        'fwd p50 ms',
        'fwd p99 ms',
        'lost',
        'dup',
        'drain s',
      ],
      results.map((r) => [
        ...label(r),
        r.sent,
        r.sent - r.accepted,
        r.intake.perSecond,
        r.intake.p99Ms,
        r.pacerLag ? r.pacerLag.p99Ms : '-',
        r.forwarded.perSecond,
        r.forwarded.firstForwardP50Ms,
        r.forwarded.firstForwardP99Ms,
        r.forwarded.lost,
        r.forwarded.duplicateIds,
        `${(r.forwarded.drainMs / 1000).toFixed(1)}${r.forwarded.drained ? '' : ' (timeout)'}`,
      ]),
    ),
  );
  out.push('');
  out.push(
    'CPU ms per forwarded conversion (intake = gateway or fastify intake; server = intake + worker + redis + ' +
      'mongo), and the average cores busy over the phase: the servers, and other jobs on the machine (noise)',
  );
  out.push(
    table(
      [
        'chain',
        'phase',
        'intake',
        'worker',
        'redis',
        'mongo',
        'receiver',
        'loadgen',
        'server',
        'cores: server',
        'cores: other jobs',
      ],
      results.map((r) => {
        const cpu = r.cpuMsPerConversion;
        return [
          ...label(r),
          cpu.intake,
          cpu.worker,
          cpu.redis,
          cpu.mongo,
          cpu.receiver,
          cpu.loadgen,
          cpu.server,
          r.coresBusy.server,
          r.coresBusy.others,
        ];
      }),
    ),
  );
  out.push('');
  out.push('Commands per conversion; memory at the end of the phase (RSS MiB, Redis used_memory MiB)');
  out.push(
    table(
      [
        'chain',
        'phase',
        'redis cmds',
        'mongo cmds (gw+wk)',
        'mongo opcounters',
        'RSS intake',
        'RSS worker',
        'RSS redis',
        'RSS mongo',
        'RSS receiver',
        'redis used',
      ],
      results.map((r) => [
        ...label(r),
        r.redisCommandsPerConversion,
        mongoCell(r),
        r.chain === 'ceiling' ? '-' : r.mongoOpcountersPerConversion,
        r.rssMiB.intake,
        r.rssMiB.worker,
        r.rssMiB.redis,
        r.rssMiB.mongo ?? (r.chain === 'ceiling' ? '-' : null),
        r.rssMiB.receiver,
        r.redisUsedMemoryMiB,
      ]),
    ),
  );
  const ratios = ratioRows(results);
  if (ratios.length > 0) {
    out.push('');
    out.push(
      'Product / ceiling (throughput: higher is better, ≤ 1; CPU, latency and commands: lower is better, ≥ 1)',
    );
    out.push(
      table(
        ['phase', 'intake/s', 'fwd/s', 'fwd p50', 'fwd p99', 'server CPU/conv', 'redis cmds/conv'],
        ratios,
        1,
      ),
    );
  }
  for (const r of results) {
    if (!r.rssSamples || r.rssSamples.length === 0) continue;
    const first = r.rssSamples[0];
    const last = r.rssSamples[r.rssSamples.length - 1];
    const maxOf = (key: 'intake' | 'worker'): number =>
      Math.max(...r.rssSamples!.map((sample) => sample[key]));
    out.push('');
    out.push(
      `Soak (${r.sent.toLocaleString('en-US')} postbacks at ${r.offeredRate}/s): RSS MiB gateway ${fmt(first.intake)} → ` +
        `${fmt(last.intake)} (max ${fmt(maxOf('intake'))}), worker ${fmt(first.worker)} → ${fmt(last.worker)} ` +
        `(max ${fmt(maxOf('worker'))}), sampled every 5 s from ${first.s} s to ${last.s} s`,
    );
  }
  return out.join('\n');
}

/** `total (gateway + worker)`, or `n/a + 2.73` when a process has no counter. */
function mongoCell(r: PhaseResult): Cell {
  if (r.chain === 'ceiling') return '-';
  const mongo = r.mongoCommandsPerConversion;
  if (!mongo) return null;
  const parts = Object.values(mongo.byProcess).map((value) => fmt(value));
  return mongo.total === null ? parts.join(' + ') : `${fmt(mongo.total)} (${parts.join(' + ')})`;
}

export function ratioRows(results: PhaseResult[]): Cell[][] {
  const rows: Cell[][] = [];
  for (const product of results.filter((r) => r.chain === 'product')) {
    const ceiling = results.find((r) => r.chain === 'ceiling' && r.phase === product.phase);
    if (!ceiling) continue;
    rows.push([
      product.phase,
      ratio(product.intake.perSecond, ceiling.intake.perSecond),
      ratio(product.forwarded.perSecond, ceiling.forwarded.perSecond),
      ratio(product.forwarded.firstForwardP50Ms, ceiling.forwarded.firstForwardP50Ms),
      ratio(product.forwarded.firstForwardP99Ms, ceiling.forwarded.firstForwardP99Ms),
      ratio(product.cpuMsPerConversion.server, ceiling.cpuMsPerConversion.server),
      ratio(product.redisCommandsPerConversion, ceiling.redisCommandsPerConversion),
    ]);
  }
  return rows;
}

function ratio(a: number, b: number): string {
  const value = per(a, b);
  return Number.isFinite(value) ? `${value.toFixed(2)}×` : 'n/a';
}
