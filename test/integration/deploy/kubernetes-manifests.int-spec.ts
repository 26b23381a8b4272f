import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ConfigError, ENV_DEFAULTS, type EnvName, loadConfig, type RicochetConfig } from '@ricochet/config';
import { QUEUES } from '@ricochet/queue';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { createGatewayApp } from '../../../apps/gateway/src/gateway.app';
import { createWorkerApp } from '../../../apps/worker/src/worker.app';
import { eventually } from '../../support/config';
import { freePort } from '../../support/free-port';
import { suiteContext } from '../../support/suite';
import { parseScrape } from '../observability/observability.fixture';

// kubectl and kubeconform are not on the build machines, so the manifests in deploy/kubernetes are checked
// here for what would break a real deploy: dangling references (selectors, ports, ConfigMap/Secret names,
// HPA/PDB targets, kustomize resources and images), settings the product does not know, probe paths
// the product does not serve, and a grace period shorter than the product's own shutdown. The probes
// and the metrics ports are asked of the real gateway and worker, started in-process from the
// ConfigMap's own settings.

const ROOT = join(__dirname, '..', '..', '..');
const DIR = join(ROOT, 'deploy', 'kubernetes');

/** Measured RSS under load (bench:e2e, burst phase): the memory a pod must be allowed to use. */
const MEASURED_RSS_MIB: Record<string, number> = { gateway: 210, worker: 225 };
/** Files that hold objects but must not be applied by `kubectl apply -k`, and why. */
const NOT_IN_KUSTOMIZATION: Record<string, string> = {
  'secret.example.yaml': 'placeholders would overwrite the real Secret on every apply',
  'servicemonitor.yaml': 'needs the Prometheus Operator CRDs',
};
const SECRET_KEYS = ['ADMIN_API_KEYS', 'MONGO_URL', 'REDIS_URL', 'METRICS_TOKEN'];

interface Metadata {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
}
interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: Metadata;
}
interface HttpProbe {
  httpGet?: { path: string; port: string | number };
  failureThreshold?: number;
  periodSeconds?: number;
  timeoutSeconds?: number;
}
interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  ports?: { name?: string; containerPort: number }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  env?: { name: string; value?: string }[];
  startupProbe?: HttpProbe;
  readinessProbe?: HttpProbe;
  livenessProbe?: HttpProbe;
  lifecycle?: { preStop?: { exec?: { command: string[] }; sleep?: { seconds: number } } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: {
    readOnlyRootFilesystem?: boolean;
    allowPrivilegeEscalation?: boolean;
    capabilities?: { drop?: string[] };
  };
  volumeMounts?: { name: string; mountPath: string }[];
}
interface PodSpec {
  containers: Container[];
  restartPolicy?: string;
  terminationGracePeriodSeconds?: number;
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number; runAsGroup?: number };
  topologySpreadConstraints?: { labelSelector: { matchLabels: Record<string, string> } }[];
  volumes?: { name: string; emptyDir?: object }[];
}
interface PodTemplate {
  metadata: { labels: Record<string, string> };
  spec: PodSpec;
}
interface Deployment extends K8sObject {
  spec: {
    replicas?: number;
    selector: { matchLabels: Record<string, string> };
    strategy?: { type?: string; rollingUpdate?: { maxUnavailable?: number | string } };
    template: PodTemplate;
  };
}
interface Job extends K8sObject {
  spec: { template: PodTemplate };
}
interface Service extends K8sObject {
  spec: {
    selector: Record<string, string>;
    ports: { name: string; port: number; targetPort: string | number }[];
  };
}
interface Pdb extends K8sObject {
  spec: { minAvailable?: number; maxUnavailable?: number; selector: { matchLabels: Record<string, string> } };
}
interface MetricSpec {
  type: string;
  resource?: { name: string };
  external?: { metric: { name: string; selector?: { matchLabels?: Record<string, string> } } };
}
interface Hpa extends K8sObject {
  spec: {
    scaleTargetRef: { apiVersion: string; kind: string; name: string };
    minReplicas: number;
    maxReplicas: number;
    metrics: MetricSpec[];
  };
}
interface ServiceMonitor extends K8sObject {
  spec: {
    selector: { matchLabels: Record<string, string> };
    endpoints: {
      port: string;
      path?: string;
      authorization?: { type?: string; credentials: { name: string; key: string } };
    }[];
  };
}
interface Kustomization {
  namespace?: string;
  resources: string[];
  images?: { name: string; newName?: string; newTag?: string }[];
}
interface AdapterRules {
  rules: { external: { seriesQuery: string; name: { as: string }; metricsQuery: string }[] };
}
interface Loaded {
  file: string;
  value: unknown;
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(entry.name) ? [path] : [];
  });
}

/** Every YAML document of every file, refusing any parse error or warning. */
function loadAll(): Loaded[] {
  const loaded: Loaded[] = [];
  for (const path of yamlFiles(DIR)) {
    const file = relative(DIR, path);
    for (const doc of parseAllDocuments(readFileSync(path, 'utf8'))) {
      const problems = [...doc.errors, ...doc.warnings].map((e) => e.message);
      if (problems.length > 0) throw new Error(`${file}: ${problems.join('; ')}`);
      loaded.push({ file, value: doc.toJS() as unknown });
    }
  }
  return loaded;
}

function isObject(value: unknown): value is K8sObject {
  return typeof value === 'object' && value !== null && 'apiVersion' in value && 'kind' in value;
}

/** True when every label of `selector` is on `labels` (how a selector picks pods). */
function selects(selector: Record<string, string>, labels: Record<string, string> = {}): boolean {
  const entries = Object.entries(selector);
  return entries.length > 0 && entries.every(([key, value]) => labels[key] === value);
}

function mebibytes(quantity: string): number {
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi)?$/.exec(quantity);
  if (!match) throw new Error(`unexpected memory quantity ${quantity}`);
  const factor = { Ki: 1 / 1024, Mi: 1, Gi: 1024 }[match[2] ?? 'Mi'] ?? 1;
  return Number(match[1]) * (match[2] ? factor : 1 / (1024 * 1024));
}

function millicores(quantity: string): number {
  const match = /^(\d+(?:\.\d+)?)(m)?$/.exec(quantity);
  if (!match) throw new Error(`unexpected cpu quantity ${quantity}`);
  return match[2] ? Number(match[1]) : Number(match[1]) * 1000;
}

function preStopSeconds(container: Container): number {
  const preStop = container.lifecycle?.preStop;
  if (!preStop) return 0;
  if (preStop.sleep) return preStop.sleep.seconds;
  const command = preStop.exec?.command ?? [];
  if (command[0] !== 'sleep' || command.length !== 2)
    throw new Error(`unexpected preStop ${command.join(' ')}`);
  return Number(command[1]);
}

/** The container port a probe or targetPort names, by name or by number. */
function resolvePort(container: Container, port: string | number): number | undefined {
  return container.ports?.find((p) => p.name === port || p.containerPort === port)?.containerPort;
}

/** The script a container runs: the last word of its command. */
function scriptOf(container: Container): string {
  return (container.command ?? []).at(-1) ?? '';
}

/** V8's heap bound in MiB, from the command's flags or NODE_OPTIONS. */
function heapBound(container: Container): number | undefined {
  const nodeOptions = container.env?.find((e) => e.name === 'NODE_OPTIONS')?.value ?? '';
  const match = /--max-old-space-size=(\d+)/.exec([...(container.command ?? []), nodeOptions].join(' '));
  return match ? Number(match[1]) : undefined;
}

function probes(container: Container): [string, HttpProbe][] {
  return (['startupProbe', 'readinessProbe', 'livenessProbe'] as const)
    .filter((kind) => container[kind] !== undefined)
    .map((kind) => [kind, container[kind] as HttpProbe]);
}

describe('Kubernetes manifests (deploy/kubernetes)', () => {
  const all = loadAll();
  const objects = all.filter((doc): doc is { file: string; value: K8sObject } => isObject(doc.value));
  const apps = objects.filter((o) => !o.value.apiVersion.startsWith('kustomize.config.k8s.io/'));
  const ofKind = <T extends K8sObject>(kind: string): T[] =>
    apps.filter((o) => o.value.kind === kind).map((o) => o.value as T);
  const one = <T extends K8sObject>(kind: string): T => {
    const found = ofKind<T>(kind);
    if (found.length !== 1) throw new Error(`expected one ${kind}, found ${found.length}`);
    return found[0];
  };
  const kustomizations = objects
    .filter((o) => o.value.kind === 'Kustomization')
    .map((o) => ({ file: o.file, value: o.value as unknown as Kustomization }));
  const namespace = one('Namespace').metadata.name;
  const configMap = one<K8sObject & { data: Record<string, unknown> }>('ConfigMap');
  const secret = one<K8sObject & { stringData: Record<string, unknown> }>('Secret');
  const deployments = ofKind<Deployment>('Deployment');
  const jobs = ofKind<Job>('Job');
  const services = ofKind<Service>('Service');
  const byComponent = (component: string): Deployment => {
    const found = deployments.filter((d) => d.metadata.labels?.['app.kubernetes.io/component'] === component);
    if (found.length !== 1) throw new Error(`expected one ${component} Deployment, found ${found.length}`);
    return found[0];
  };
  const gateway = byComponent('gateway');
  const worker = byComponent('worker');
  const workloads: { kind: string; name: string; template: PodTemplate }[] = [
    ...deployments.map((d) => ({ kind: 'Deployment', name: d.metadata.name, template: d.spec.template })),
    ...jobs.map((j) => ({ kind: 'Job', name: j.metadata.name, template: j.spec.template })),
  ];
  const containers = workloads.flatMap((w) => w.template.spec.containers);
  const configEnv = configMap.data as Record<EnvName, string>;
  const scripts = (
    JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
  ).scripts;
  /** A setting as the pods get it: the ConfigMap's value, else the product's default. */
  const setting = (name: EnvName): string => configEnv[name] ?? ENV_DEFAULTS[name];

  /** The ConfigMap plus real-looking secrets and the test's own stores, as loadConfig reads them. */
  function podEnv(overrides: Partial<Record<EnvName, string>> = {}): Partial<Record<EnvName, string>> {
    return {
      ...configEnv,
      ADMIN_API_KEYS: 'k8s-manifest-admin-key-0123456789',
      // A seed list of the replica set (hosts on the default port: MONGO_URL refuses `host:port,host:port`).
      MONGO_URL:
        'mongodb://ricochet:password@mongo-0.mongo,mongo-1.mongo,mongo-2.mongo/ricochet?replicaSet=rs0',
      REDIS_URL: 'redis://:password@redis:6379',
      METRICS_TOKEN: 'k8s-manifest-metrics-token-0123456789',
      ...overrides,
    };
  }

  describe('files and references', () => {
    it('parses every document of every file, each object named and in the one namespace', () => {
      expect(all.length).toBeGreaterThan(10);
      for (const { file, value } of apps) {
        expect({ file, name: value.metadata?.name }).toEqual({ file, name: expect.any(String) });
      }
      // Explicit namespaces, so `kubectl apply -f <file>` lands in the same place as `apply -k`.
      const elsewhere = apps
        .filter((o) => o.value.kind !== 'Namespace' && o.value.metadata.namespace !== namespace)
        .map((o) => `${o.file}: ${o.value.kind}/${o.value.metadata.name}`);
      expect(elsewhere).toEqual([]);
      const keys = apps.map((o) => `${o.value.kind}/${o.value.metadata.name}`);
      expect(new Set(keys).size).toBe(keys.length);
    });

    it('lists in each kustomization only files that exist, and leaves out only the Secret template and the CRD objects', () => {
      expect(kustomizations.map((k) => k.file).sort()).toEqual([
        'kustomization.yaml',
        'migrate/kustomization.yaml',
      ]);
      const listed = new Set<string>();
      for (const { file, value } of kustomizations) {
        expect(value.namespace).toBe(namespace);
        const base = join(DIR, file, '..');
        for (const resource of value.resources) {
          const path = relative(DIR, join(base, resource));
          expect({ file, resource, exists: existsSync(join(DIR, path)) }).toEqual({
            file,
            resource,
            exists: true,
          });
          listed.add(path);
        }
      }
      const objectFiles = new Set(apps.map((o) => o.file));
      const unlisted = [...objectFiles].filter((file) => !listed.has(file)).sort();
      expect(unlisted).toEqual(Object.keys(NOT_IN_KUSTOMIZATION).sort());
      expect(apps.find((o) => o.value.kind === 'Secret')?.file).toBe('secret.example.yaml');
      for (const o of apps.filter((a) => a.value.apiVersion.startsWith('monitoring.coreos.com/'))) {
        expect(o.file).toBe('servicemonitor.yaml');
      }
    });

    it('points every container at the image both kustomizations rewrite, with the same tag', () => {
      const [main, migrate] = ['kustomization.yaml', 'migrate/kustomization.yaml'].map(
        (file) => kustomizations.find((k) => k.file === file)?.value.images,
      );
      expect(main).toHaveLength(1);
      expect(migrate).toEqual(main);
      for (const container of containers) expect(container.image.split(':')[0]).toBe(main?.[0].name);
    });

    it('reads the ConfigMap and Secret the manifests define, from every workload', () => {
      for (const { name, template } of workloads) {
        for (const container of template.spec.containers) {
          expect({ name, refs: container.envFrom }).toEqual({
            name,
            refs: [
              { configMapRef: { name: configMap.metadata.name } },
              { secretRef: { name: secret.metadata.name } },
            ],
          });
        }
      }
    });
  });

  describe('settings', () => {
    const known = new Set(Object.keys(ENV_DEFAULTS));

    it('names only variables the product reads, as strings, with secrets kept out of the ConfigMap', () => {
      const configKeys = Object.keys(configMap.data);
      const secretKeys = Object.keys(secret.stringData);
      expect(configKeys.filter((key) => !known.has(key))).toEqual([]);
      expect(secretKeys.filter((key) => !known.has(key))).toEqual([]);
      expect(secretKeys.sort()).toEqual([...SECRET_KEYS].sort());
      expect(
        configKeys.filter((key) => secretKeys.includes(key) || /SECRET|PASSWORD|TOKEN|KEYS/.test(key)),
      ).toEqual([]);
      // A ConfigMap value that YAML reads as a number or boolean is refused by the API server.
      for (const [key, value] of [...Object.entries(configMap.data), ...Object.entries(secret.stringData)]) {
        expect({ key, type: typeof value }).toEqual({ key, type: 'string' });
      }
      for (const container of containers) {
        for (const { name } of container.env ?? []) expect([...known, 'NODE_OPTIONS']).toContain(name);
      }
    });

    it('validates: the ConfigMap with real secrets loads, the untouched Secret template refuses to start', () => {
      expect(() => loadConfig(podEnv())).not.toThrow();
      let error: unknown;
      try {
        loadConfig({ ...configEnv, ...(secret.stringData as Record<string, string>) });
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems.join('\n');
      for (const key of SECRET_KEYS) expect(problems).toContain(key);
    });
  });

  describe('workloads', () => {
    const shutdownSeconds = loadConfig(podEnv()).shutdownTimeoutMs / 1000;

    it('runs the entry points of the Dockerfile, docker-compose.yml and package.json, built from apps/', () => {
      const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
      const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(dockerfile)?.[1] ?? '[]') as string[];
      const compose = parseYaml(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as {
        services: Record<string, { command?: string[] }>;
      };
      expect(cmd).toEqual(['node', 'dist/apps/gateway/src/main.js']);
      expect(gateway.spec.template.spec.containers[0].command).toEqual(cmd);
      expect(compose.services.gateway.command).toEqual(cmd);
      expect(scripts['start:gateway']).toBe(cmd.join(' '));
      // The worker: the same image with the script the Dockerfile names, and the flags compose and npm use.
      const workerCommand = worker.spec.template.spec.containers[0].command ?? [];
      expect(compose.services.worker.command).toEqual(workerCommand);
      expect(scripts['start:worker']).toBe(workerCommand.join(' '));
      expect(dockerfile).toContain(`\`node ${scriptOf(worker.spec.template.spec.containers[0])}\``);
      for (const container of containers) {
        expect(container.args).toBeUndefined();
        const [node, ...rest] = container.command ?? [];
        expect(node).toBe('node');
        expect(rest.slice(0, -1).every((flag) => flag.startsWith('--'))).toBe(true);
        // tsc compiles apps/**/*.ts into dist/ (tsconfig.build.json), which the image copies.
        const script = scriptOf(container);
        expect(script).toMatch(/^dist\/apps\/[a-z-]+\/src\/[a-z-]+\.js$/);
        const source = join(ROOT, script.replace(/^dist\//, '').replace(/\.js$/, '.ts'));
        expect({ script, built: existsSync(source) }).toEqual({ script, built: true });
      }
    });

    it('runs migrations with the command `npm run migrate` runs, once', () => {
      expect(jobs).toHaveLength(1);
      const command = (jobs[0].spec.template.spec.containers[0].command ?? []).join(' ');
      expect(command).toBe('node dist/apps/worker/src/migrate.js');
      expect(scripts.migrate).toBe(command);
      expect(jobs[0].spec.template.spec.restartPolicy).toBe('Never');
    });

    it('selects its own pods, keeps the pods non-root on a read-only root filesystem, with a writable /tmp', () => {
      for (const { kind, name, template } of workloads) {
        const labels = template.metadata.labels;
        for (const spread of template.spec.topologySpreadConstraints ?? []) {
          expect(selects(spread.labelSelector.matchLabels, labels)).toBe(true);
        }
        expect({ kind, name, pod: template.spec.securityContext }).toMatchObject({
          kind,
          name,
          pod: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000 },
        });
        for (const container of template.spec.containers) {
          expect({ name, securityContext: container.securityContext }).toEqual({
            name,
            securityContext: {
              readOnlyRootFilesystem: true,
              allowPrivilegeEscalation: false,
              capabilities: { drop: ['ALL'] },
            },
          });
          const tmp = container.volumeMounts?.find((m) => m.mountPath === '/tmp');
          expect(template.spec.volumes?.find((v) => v.name === tmp?.name)?.emptyDir).toBeDefined();
        }
      }
      for (const deployment of deployments) {
        const { name } = deployment.metadata;
        const own = selects(deployment.spec.selector.matchLabels, deployment.spec.template.metadata.labels);
        expect({ name, selectsItsTemplate: own }).toEqual({ name, selectsItsTemplate: true });
      }
      // uid 1000 is the image's `node` user.
      expect(readFileSync(join(ROOT, 'Dockerfile'), 'utf8')).toMatch(/^USER node$/m);
    });

    it('exposes the ports the processes listen on, and every probe names one of them', () => {
      const expected: Record<string, number[]> = {
        [gateway.metadata.name]: [Number(setting('PORT')), Number(setting('METRICS_PORT'))],
        [worker.metadata.name]: [Number(setting('WORKER_PORT'))],
      };
      for (const deployment of deployments) {
        const [container] = deployment.spec.template.spec.containers;
        expect(deployment.spec.template.spec.containers).toHaveLength(1);
        expect((container.ports ?? []).map((p) => p.containerPort).sort()).toEqual(
          [...expected[deployment.metadata.name]].sort(),
        );
        expect(probes(container).map(([kind]) => kind)).toEqual([
          'startupProbe',
          'readinessProbe',
          'livenessProbe',
        ]);
        for (const [kind, probe] of probes(container)) {
          const port = resolvePort(container, probe.httpGet?.port ?? '');
          expect({ deployment: deployment.metadata.name, kind, port }).toEqual({
            deployment: deployment.metadata.name,
            kind,
            port: expected[deployment.metadata.name][0],
          });
        }
        expect(container.readinessProbe?.httpGet?.path).toBe('/health/ready');
        expect(container.livenessProbe?.httpGet?.path).toBe('/health/live');
        expect(container.startupProbe?.httpGet?.path).toBe('/health/live');
        // /health/ready gives each dependency 1.5 s: a shorter probe timeout would fail a healthy pod.
        expect(container.readinessProbe?.timeoutSeconds ?? 1).toBeGreaterThan(1.5);
      }
    });

    it('gives each pod longer to stop than its preStop sleep plus SHUTDOWN_TIMEOUT', () => {
      expect(shutdownSeconds).toBe(20);
      for (const deployment of deployments) {
        const spec = deployment.spec.template.spec;
        const sleep = Math.max(...spec.containers.map(preStopSeconds));
        expect({
          name: deployment.metadata.name,
          fits: (spec.terminationGracePeriodSeconds ?? 30) > sleep + shutdownSeconds,
        }).toEqual({ name: deployment.metadata.name, fits: true });
      }
      // The gateway leaves the Service's endpoints before SIGTERM.
      expect(preStopSeconds(gateway.spec.template.spec.containers[0])).toBeGreaterThanOrEqual(5);
    });

    it('rolls out without taking a pod away first, with at least two of each', () => {
      for (const deployment of deployments) {
        // The long-running processes bound V8's heap below their memory limit (checked below).
        expect(heapBound(deployment.spec.template.spec.containers[0])).toBeDefined();
        expect(deployment.spec.replicas).toBeGreaterThanOrEqual(2);
        expect(deployment.spec.strategy).toMatchObject({
          type: 'RollingUpdate',
          rollingUpdate: { maxUnavailable: 0 },
        });
      }
    });

    it('requests CPU and memory, with limits above requests and the measured RSS, and a heap cap under the limit', () => {
      for (const { name, template } of workloads) {
        for (const container of template.spec.containers) {
          const { requests = {}, limits = {} } = container.resources ?? {};
          expect({ name, keys: [Object.keys(requests).sort(), Object.keys(limits).sort()] }).toEqual({
            name,
            keys: [
              ['cpu', 'memory'],
              ['cpu', 'memory'],
            ],
          });
          expect(millicores(limits.cpu)).toBeGreaterThanOrEqual(millicores(requests.cpu));
          expect(mebibytes(limits.memory)).toBeGreaterThanOrEqual(mebibytes(requests.memory));
          const rss = MEASURED_RSS_MIB[container.name] ?? 0;
          expect(mebibytes(requests.memory)).toBeGreaterThanOrEqual(rss);
          expect(mebibytes(limits.memory)).toBeGreaterThanOrEqual(rss * 2);
          expect(heapBound(container) ?? 0).toBeLessThanOrEqual(mebibytes(limits.memory) * 0.75);
        }
      }
    });
  });

  describe('services, budgets and autoscalers', () => {
    it('routes each Service to one Deployment, on ports its container has', () => {
      for (const service of services) {
        const targets = deployments.filter((d) =>
          selects(service.spec.selector, d.spec.template.metadata.labels),
        );
        expect({ service: service.metadata.name, targets: targets.length }).toEqual({
          service: service.metadata.name,
          targets: 1,
        });
        for (const port of service.spec.ports) {
          expect(resolvePort(targets[0].spec.template.spec.containers[0], port.targetPort)).toBeDefined();
        }
      }
      expect(services.map((s) => s.metadata.name).sort()).toEqual([
        'ricochet-gateway',
        'ricochet-worker-metrics',
      ]);
    });

    it('budgets disruptions of existing Deployments, below their replica floor', () => {
      const pdbs = ofKind<Pdb>('PodDisruptionBudget');
      expect(pdbs).toHaveLength(2);
      for (const pdb of pdbs) {
        const targets = deployments.filter((d) =>
          selects(pdb.spec.selector.matchLabels, d.spec.template.metadata.labels),
        );
        expect(targets.map((d) => d.metadata.name)).toHaveLength(1);
        expect(pdb.spec.minAvailable).toBe(1);
        expect(pdb.spec.minAvailable).toBeLessThan(targets[0].spec.replicas ?? 1);
      }
    });

    it('scales existing Deployments: gateways on CPU they request, workers on waiting jobs of real queues', () => {
      const hpas = ofKind<Hpa>('HorizontalPodAutoscaler');
      expect(hpas).toHaveLength(2);
      for (const hpa of hpas) {
        const { scaleTargetRef, minReplicas, maxReplicas } = hpa.spec;
        expect(scaleTargetRef.apiVersion).toBe('apps/v1');
        expect(scaleTargetRef.kind).toBe('Deployment');
        const target = deployments.find((d) => d.metadata.name === scaleTargetRef.name);
        expect(target).toBeDefined();
        expect(minReplicas).toBeLessThanOrEqual(target?.spec.replicas ?? 0);
        expect(maxReplicas).toBeGreaterThan(minReplicas);
        // Utilization is a share of the request: without one the HPA cannot compute it.
        const onCpu = hpa.spec.metrics.some((m) => m.type === 'Resource' && m.resource?.name === 'cpu');
        const cpuRequest = target?.spec.template.spec.containers[0].resources?.requests?.cpu;
        expect({ hpa: hpa.metadata.name, computable: !onCpu || cpuRequest !== undefined }).toEqual({
          hpa: hpa.metadata.name,
          computable: true,
        });
      }
      const gatewayHpa = hpas.find((h) => h.spec.scaleTargetRef.name === gateway.metadata.name);
      expect(gatewayHpa?.spec.metrics.map((m) => m.type)).toEqual(['Resource']);
      const workerHpa = hpas.find((h) => h.spec.scaleTargetRef.name === worker.metadata.name);
      const external = (workerHpa?.spec.metrics ?? []).filter((m) => m.type === 'External');
      expect(external.length).toBeGreaterThan(0);
      const queues: string[] = Object.values(QUEUES);
      for (const metric of external) {
        expect(metric.external?.metric.name).toBe('ricochet_queue_jobs');
        const selector = metric.external?.metric.selector?.matchLabels ?? {};
        expect(selector.state).toBe('waiting');
        expect(queues).toContain(selector.queue);
      }
    });

    it('has a prometheus-adapter rule that serves the HPA metric as the max across pods', () => {
      const adapter = all.filter((doc) => doc.file === 'prometheus-adapter-rules.example.yaml');
      expect(adapter).toHaveLength(1);
      const [rule] = (adapter[0].value as AdapterRules).rules.external;
      expect(rule.name.as).toBe('ricochet_queue_jobs');
      expect(rule.seriesQuery).toMatch(/^ricochet_queue_jobs\{/);
      expect(rule.seriesQuery).toContain('namespace!=""');
      // Every process reports the same queue figures: a sum would grow with the pod count.
      expect(rule.metricsQuery).toMatch(/^max by \(queue, state\) \(<<\.Series>>\{<<\.LabelMatchers>>\}\)$/);
    });

    it('has ServiceMonitors on Services and ports that exist, with the gateway scraped with the Secret token', () => {
      const monitors = ofKind<ServiceMonitor>('ServiceMonitor');
      expect(monitors).toHaveLength(2);
      for (const monitor of monitors) {
        const targets = services.filter((s) => selects(monitor.spec.selector.matchLabels, s.metadata.labels));
        expect(targets).toHaveLength(1);
        // Prometheus Operator names the job after the Service; the alert rules select job=~"ricochet.*".
        expect(targets[0].metadata.name).toMatch(/^ricochet/);
        for (const endpoint of monitor.spec.endpoints) {
          expect(targets[0].spec.ports.map((p) => p.name)).toContain(endpoint.port);
          expect(endpoint.path).toBe('/metrics');
        }
      }
      const gatewayMonitor = monitors.find((m) =>
        selects(m.spec.selector.matchLabels, gateway.spec.template.metadata.labels),
      );
      expect(gatewayMonitor?.spec.endpoints[0].authorization?.credentials).toEqual({
        name: secret.metadata.name,
        key: 'METRICS_TOKEN',
      });
    });
  });

  describe('against the real gateway and worker, configured from the ConfigMap', () => {
    const ctx = suiteContext('k8s manifests');
    let config: RicochetConfig;
    let gatewayApp: NestFastifyApplication;
    let workerApp: NestFastifyApplication;
    /** containerPort in the manifests → where the in-process app listens for it. */
    const listening = new Map<string, string>();
    let metricsToken: string;

    beforeAll(async () => {
      const metricsPort = await freePort();
      config = loadConfig(
        podEnv({
          MONGO_URL: ctx.mongoUrl,
          REDIS_URL: ctx.redisUrl,
          QUEUE_PREFIX: ctx.queuePrefix,
          LOG_LEVEL: 'silent',
          HOST: '127.0.0.1',
          METRICS_PORT: String(metricsPort),
        }),
      );
      metricsToken = config.metrics.token;
      gatewayApp = await createGatewayApp(config, { logger: false });
      await gatewayApp.listen(0, '127.0.0.1');
      workerApp = await createWorkerApp(config, { logger: false });
      await workerApp.listen(0, '127.0.0.1');
      listening.set(`${gateway.metadata.name}:${setting('PORT')}`, await gatewayApp.getUrl());
      listening.set(`${gateway.metadata.name}:${setting('METRICS_PORT')}`, `http://127.0.0.1:${metricsPort}`);
      listening.set(`${worker.metadata.name}:${setting('WORKER_PORT')}`, await workerApp.getUrl());
    });

    afterAll(async () => {
      await workerApp?.close();
      await gatewayApp?.close();
    });

    const urlOf = (deployment: Deployment, port: string | number): string => {
      const containerPort = resolvePort(deployment.spec.template.spec.containers[0], port);
      const url = listening.get(`${deployment.metadata.name}:${containerPort}`);
      if (!url)
        throw new Error(`${deployment.metadata.name} has no process listening for port ${String(port)}`);
      return url;
    };

    it('answers 200 on every probe path of every Deployment, on the port the probe names', async () => {
      for (const deployment of deployments) {
        for (const [kind, probe] of probes(deployment.spec.template.spec.containers[0])) {
          const url = `${urlOf(deployment, probe.httpGet?.port ?? '')}${probe.httpGet?.path ?? ''}`;
          await eventually(
            `${deployment.metadata.name} ${kind} ${url} → 200`,
            async () => (await fetch(url)).status === 200,
          );
        }
      }
      // The same check fails for a path the product does not serve.
      expect((await fetch(`${urlOf(gateway, 'http')}/health/nope`)).status).toBe(404);
      expect((await fetch(`${urlOf(worker, 'metrics')}/healthz`)).status).toBe(404);
    });

    it('serves /metrics where the ServiceMonitors scrape: the gateway port with the token, the worker port without', async () => {
      const gatewayMetrics = `${urlOf(gateway, 'metrics')}/metrics`;
      expect((await fetch(gatewayMetrics)).status).toBe(401);
      const scraped = await fetch(gatewayMetrics, { headers: { authorization: `Bearer ${metricsToken}` } });
      expect(scraped.status).toBe(200);
      expect(await scraped.text()).toContain('ricochet_queue_jobs');
      // The public port keeps /metrics behind the same token.
      expect((await fetch(`${urlOf(gateway, 'http')}/metrics`)).status).toBe(401);
      expect((await fetch(`${urlOf(worker, 'metrics')}/metrics`)).status).toBe(200);
    });

    it("exports the series and labels the worker HPA's selectors ask for", async () => {
      const hpa = ofKind<Hpa>('HorizontalPodAutoscaler').find(
        (h) => h.spec.scaleTargetRef.name === worker.metadata.name,
      );
      const selectors = (hpa?.spec.metrics ?? []).flatMap((m) =>
        m.external
          ? [{ name: m.external.metric.name, labels: m.external.metric.selector?.matchLabels ?? {} }]
          : [],
      );
      expect(selectors.length).toBeGreaterThan(0);
      const url = `${urlOf(worker, 'metrics')}/metrics`;
      await eventually('every HPA series in the worker scrape', async () => {
        const scrape = parseScrape(await (await fetch(url)).text());
        return selectors.every(({ name, labels }) => scrape.select(name, labels).length === 1);
      });
    });
  });
});
