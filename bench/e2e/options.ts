/** Command-line options of `npm run bench:e2e -- [options]`. */

export interface Options {
  burst: number;
  warmup: number;
  rates: number[];
  seconds: number;
  connections: number;
  soak: number;
  /** Gateway and worker processes of the product chain (its first topology when --topologies is given). */
  gateways: number;
  workers: number;
  /** The product's topologies, each run on a fresh product: `--topologies`, else `--gateways` × `--workers`. */
  topologies: Topology[];
  /** The product's Redis: one `redis-server`, or a cluster of 3 primaries + 3 replicas. */
  redis: 'single' | 'cluster';
  /** QUEUE_PARTITIONS given to the product: `--partitions`, 6 on a cluster, else unset (the product's default). */
  partitions?: number;
  soakRate: number;
  drainTimeoutS: number;
  stallTimeoutS: number;
  concurrency: number;
  chains: Array<'product' | 'ceiling'>;
  build: 'auto' | 'always' | 'never';
  out?: string;
}

/** Gateway and worker processes of one product run. */
export interface Topology {
  gateways: number;
  workers: number;
}

/** `2x3` */
export function topologyName(topology: Topology): string {
  return `${topology.gateways}x${topology.workers}`;
}

/** QUEUE_PARTITIONS on a cluster when --partitions is not given (the product's own cluster default). */
export const DEFAULT_CLUSTER_PARTITIONS = 6;

export const USAGE = `npm run bench:e2e -- [options]

  --burst N            postbacks in the burst phase, sent as fast as the connections allow (default 5000; 0 skips)
  --warmup N           an unreported burst first, per chain: JIT, connections, Lua scripts (default 500; 0 skips)
  --rates R1,R2,…      paced phases, postbacks per second (default 50,100,300,600; "none" skips)
  --seconds S          length of each paced phase (default 10)
  --connections C      load-generator connections (default 50)
  --soak N             after the other phases, N more postbacks to the product at --soak-rate (default 0 = no soak)
  --soak-rate R        the soak's rate per second (default 200)
  --gateways N         gateway processes of the product, the load spread round-robin (default 1)
  --workers M          worker processes of the product (default 1); CPU is reported per role, summed
  --topologies GxW,…   run the product once per topology on a fresh product and Redis, e.g. 1x1,2x3
                       (instead of --gateways/--workers), reported side by side
  --redis single|cluster
                       the product's Redis: one redis-server (default), or a Redis Cluster of 3 primaries
                       + 3 replicas (REDIS_CLUSTER_NODES); the ceiling always has one redis-server
  --partitions K       QUEUE_PARTITIONS of the product (default 6 with --redis cluster, else the product's
                       default, 1)
  --drain-timeout S    at most this long to wait for a phase's forwards after its last postback (default 900)
  --stall-timeout S    stop waiting once no new forward arrived for S seconds (default 30); a phase that
                       does not drain ends its chain's run (later phases would measure its backlog)
  --ceiling-concurrency C
                       the ceiling worker's concurrency (default: DELIVERY_CONCURRENCY or 50, as the product)
  --only product|ceiling
                       run one chain only (default both, product first)
  --build / --no-build build dist/ first always / never (default: only when dist/ is missing or older
                       than apps/ and libs/)
  --out FILE           the JSON result (default bench/results/e2e-<date>.json)
  --help

Environment: MONGO_URL (else the in-repo stand-in), and the product's own tunables (ATTRIBUTION_CONCURRENCY,
DELIVERY_CONCURRENCY, …) pass through to the gateway and worker.`;

export class UsageError extends Error {}

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv): Options | 'help' {
  const options: Options = {
    burst: 5000,
    warmup: 500,
    rates: [50, 100, 300, 600],
    seconds: 10,
    connections: 50,
    soak: 0,
    gateways: 1,
    workers: 1,
    topologies: [],
    redis: 'single',
    soakRate: 200,
    drainTimeoutS: 900,
    stallTimeoutS: 30,
    concurrency: Number(env.DELIVERY_CONCURRENCY ?? 50),
    chains: ['product', 'ceiling'],
    build: 'auto',
  };
  for (let i = 0; i < argv.length; i += 1) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const value = (): string => {
      const next = inline ?? argv[(i += 1)];
      if (next === undefined) throw new UsageError(`${flag} needs a value`);
      return next;
    };
    switch (flag) {
      case '--help':
      case '-h':
        return 'help';
      case '--burst':
        options.burst = integer(flag, value(), 0, 1_000_000);
        break;
      case '--warmup':
        options.warmup = integer(flag, value(), 0, 1_000_000);
        break;
      case '--rates': {
        const text = value();
        options.rates =
          text === 'none' || text === ''
            ? []
            : text.split(',').map((rate) => integer(flag, rate, 1, 100_000));
        break;
      }
      case '--seconds':
        options.seconds = integer(flag, value(), 1, 3600);
        break;
      case '--connections':
        options.connections = integer(flag, value(), 1, 1000);
        break;
      case '--soak':
        options.soak = integer(flag, value(), 0, 10_000_000);
        break;
      case '--gateways':
        options.gateways = integer(flag, value(), 1, 32);
        break;
      case '--workers':
        options.workers = integer(flag, value(), 1, 32);
        break;
      case '--topologies': {
        const text = value();
        options.topologies = text.split(',').map((item) => {
          const match = /^(\d+)[x×](\d+)$/.exec(item.trim());
          if (!match) throw new UsageError(`--topologies takes GxW items like 1x1,2x3, got "${item}"`);
          return {
            gateways: integer(flag, match[1], 1, 32),
            workers: integer(flag, match[2], 1, 32),
          };
        });
        break;
      }
      case '--redis': {
        const mode = value();
        if (mode !== 'single' && mode !== 'cluster') throw new UsageError('--redis takes single or cluster');
        options.redis = mode;
        break;
      }
      case '--partitions':
        options.partitions = integer(flag, value(), 1, 64);
        break;
      case '--soak-rate':
        options.soakRate = integer(flag, value(), 1, 100_000);
        break;
      case '--drain-timeout':
        options.drainTimeoutS = integer(flag, value(), 1, 3600);
        break;
      case '--stall-timeout':
        options.stallTimeoutS = integer(flag, value(), 1, 3600);
        break;
      case '--ceiling-concurrency':
        options.concurrency = integer(flag, value(), 1, 1000);
        break;
      case '--only': {
        const chain = value();
        if (chain !== 'product' && chain !== 'ceiling')
          throw new UsageError('--only takes product or ceiling');
        options.chains = [chain];
        break;
      }
      case '--build':
        options.build = 'always';
        break;
      case '--no-build':
        options.build = 'never';
        break;
      case '--out':
        options.out = value();
        break;
      default:
        throw new UsageError(`unknown option ${argv[i]}`);
    }
  }
  if (options.topologies.length === 0) {
    options.topologies = [{ gateways: options.gateways, workers: options.workers }];
  } else if (argv.some((arg) => /^--(gateways|workers)(=|$)/.test(arg))) {
    throw new UsageError('give either --topologies or --gateways/--workers');
  } else {
    ({ gateways: options.gateways, workers: options.workers } = options.topologies[0]);
  }
  if (options.redis === 'cluster') options.partitions ??= DEFAULT_CLUSTER_PARTITIONS;
  if (!Number.isInteger(options.concurrency) || options.concurrency < 1) {
    throw new UsageError('DELIVERY_CONCURRENCY must be a positive integer');
  }
  return options;
}

function integer(flag: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`${flag} must be an integer from ${min} to ${max}, got "${text}"`);
  }
  return value;
}
