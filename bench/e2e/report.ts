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

let showTopology = false;

/** `product 2x3` when the run names topologies (several, or one that is not 1 × 1). */
function chainLabel(result: PhaseResult): string {
  return showTopology && result.topology ? `${result.chain} ${result.topology}` : result.chain;
}

function label(result: PhaseResult): string[] {
  return [chainLabel(result), result.phase];
}

export function renderReport(results: PhaseResult[], options: { showTopology?: boolean } = {}): string {
  showTopology = options.showTopology ?? false;
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
  out.push(
    'Commands per conversion; memory at the end of the phase (RSS MiB, the largest of a role; Redis ' +
      'used_memory MiB, on a cluster summed over the primaries; redis cmds on a cluster: all 6 nodes)',
  );
  out.push(
    table(
      [
        'chain',
        'phase',
        'redis cmds',
        'mongo cmds (gw+wk)',
        'mongo opcounters',
        'mongo KB in/out',
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
        mongoBytesCell(r),
        r.rssMiB.intake,
        r.rssMiB.worker,
        r.rssMiB.redis,
        r.rssMiB.mongo ?? (r.chain === 'ceiling' ? '-' : null),
        r.rssMiB.receiver,
        r.redisUsedMemoryMiB,
      ]),
    ),
  );
  const cluster = results.filter((r) => r.redisCluster);
  if (cluster.length > 0) {
    out.push('');
    out.push(
      'Redis Cluster: commands per conversion on all nodes = primaries + replicas (which replay the writes); ' +
        'per primary by slot range [the queue partitions it serves]',
    );
    for (const r of cluster) out.push(clusterLine(r));
  }
  const products = results.filter((r) => r.chain === 'product');
  if (new Set(products.map((r) => r.topology)).size > 1) {
    out.push('');
    out.push('Product topologies side by side (gateways × workers; CPU summed over the processes of a role)');
    out.push(
      table(
        [
          'topology',
          'phase',
          'fwd/s',
          'fwd p99 ms',
          'CPU ms/conv gateways / workers / redis / mongo',
          'server CPU ms/conv',
          'redis cmds/conv',
          'per primary',
          'mongo cmds/conv',
          'mongo KB/conv in / out',
          'lost',
          'dup',
        ],
        products.map((r) => {
          const cpu = r.cpuMsPerConversion;
          return [
            (r.topology ?? '?').replace('x', ' × '),
            r.phase,
            r.forwarded.perSecond,
            r.forwarded.firstForwardP99Ms,
            [cpu.intake, cpu.worker, cpu.redis, cpu.mongo].map((value) => fmt(value)).join(' / '),
            cpu.server,
            r.redisCommandsPerConversion,
            r.redisCluster
              ? r.redisCluster.perPrimary.map((p) => fmt(p.commandsPerConversion)).join(' / ')
              : '-',
            mongoCell(r),
            mongoBytesCell(r),
            r.forwarded.lost,
            r.forwarded.duplicateIds,
          ];
        }),
      ),
    );
  }
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

/**
 * `product 2x3 burst: 70.1 on all 6 nodes = 41.2 on primaries + 28.9 on replicas; per primary: 0-5460
 * [p1 p4] 13.7, …; used_memory 3.2 MiB on primaries`
 */
function clusterLine(r: PhaseResult): string {
  const c = r.redisCluster!;
  const nodes = c.perPrimary.length + c.perReplica.length;
  const primaries = c.perPrimary
    .map(
      (p) =>
        `${p.address} (slots ${p.slots} [${p.partitions.map((i) => `p${i}`).join(' ') || 'no partition'}]) ` +
        fmt(p.commandsPerConversion),
    )
    .join(', ');
  return (
    `- ${label(r).join(' ')}: ${fmt(r.redisCommandsPerConversion)} on all ${nodes} nodes = ` +
    `${fmt(c.primariesCommandsPerConversion)} on primaries + ${fmt(c.replicasCommandsPerConversion)} on replicas; ` +
    `per primary: ${primaries}; used_memory ${fmt(r.redisUsedMemoryMiB)} MiB on primaries`
  );
}

/** `total (gateway + worker)`, or `n/a + 2.73` when a process has no counter. */
function mongoCell(r: PhaseResult): Cell {
  if (r.chain === 'ceiling') return '-';
  const mongo = r.mongoCommandsPerConversion;
  if (!mongo) return null;
  const parts = Object.values(mongo.byProcess).map((value) => fmt(value));
  return mongo.total === null ? parts.join(' + ') : `${fmt(mongo.total)} (${parts.join(' + ')})`;
}

/** MongoDB server bytes per conversion, in / out, in KB (1,000 bytes) with 2 decimals; n/a when unknown. */
function mongoBytesCell(r: PhaseResult): Cell {
  if (r.chain === 'ceiling') return '-';
  const kb = (bytes: number | null): string =>
    bytes === null || !Number.isFinite(bytes) ? 'n/a' : (bytes / 1000).toFixed(2);
  const [bytesIn, bytesOut] = [r.mongoBytesInPerConversion, r.mongoBytesOutPerConversion];
  return bytesIn === null && bytesOut === null ? null : `${kb(bytesIn)} / ${kb(bytesOut)}`;
}

export function ratioRows(results: PhaseResult[]): Cell[][] {
  const rows: Cell[][] = [];
  for (const product of results.filter((r) => r.chain === 'product')) {
    const ceiling = results.find((r) => r.chain === 'ceiling' && r.phase === product.phase);
    if (!ceiling) continue;
    rows.push([
      showTopology && product.topology ? `${product.topology} ${product.phase}` : product.phase,
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
