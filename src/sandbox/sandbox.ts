// `startSandbox`: simulated Kubernetes clusters for tests, benchmarks and `mesh-medic sandbox`.
// Each ClusterSpec gets an HTTPS API server (one CA and server certificate shared by all), a
// bearer token, a kubeconfig under DIR/kubeconfigs/, and a line in DIR/clusters.yaml.

import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { MeshMedicError } from '../domain/errors.ts';
import type { K8sObject } from '../domain/k8s-object.ts';
import type { ClusterSpec } from './cluster-spec.ts';
import { type ClusterServer, createClusterServer } from './server/cluster-server.ts';
import { type ClusterContext, PodLogIndex } from './server/context.ts';
import { Controllers } from './server/controllers/index.ts';
import { FaultController } from './server/faults.ts';
import { kubeconfigYaml, registryYaml } from './server/kubeconfig.ts';
import { RequestLog } from './server/request-log.ts';
import { fillKubeconfigPlaceholders, foldStringData } from './server/secrets.ts';
import { ObjectStore } from './server/store.ts';
import { generateSandboxTls } from './server/tls.ts';

export { FaultController } from './server/faults.ts';
export { RequestLog, type RequestLogEntry } from './server/request-log.ts';
export { ObjectStore } from './server/store.ts';

export interface StartSandboxOptions {
  /** From scenarios or the generator. */
  clusters: ClusterSpec[];
  /** For clusters.yaml (default: the distinct cluster.mesh values). */
  meshes?: { id: string }[];
  /** Where kubeconfigs + clusters.yaml go; default: a fresh temporary directory (removed by stop()). */
  dir?: string;
  /** First port; cluster i listens on port+i; default: free ports. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Clock for creationTimestamps of new objects, ages and `sinceSeconds` (default: real clock). */
  now?: Date;
}

export interface SandboxCluster {
  name: string;
  url: string;
  port: number;
  /** Absolute. */
  kubeconfigPath: string;
  /** Bearer token for this cluster. */
  token: string;
  /** In-process access for tests: get/list/put/delete objects (no controllers run). */
  store: ObjectStore;
  /** Set/clear FaultRules and refuseConnections at run time. */
  faults: FaultController;
  /** Entries + counts per verb and resource. */
  requestLog: RequestLog;
  /** Container logs served by pods/log; tests may add some. */
  logs: PodLogIndex;
}

export interface Sandbox {
  dir: string;
  registryPath: string;
  /** PEM of the CA. */
  caPath: string;
  clusters: Map<string, SandboxCluster>;
  /** Throws on unknown name. */
  cluster(name: string): SandboxCluster;
  /** Closes every listener; idempotent. */
  stop(): Promise<void>;
}

/** URL of a listener (IPv6 hosts in brackets). */
function urlOf(host: string, port: number): string {
  return host.includes(':') ? `https://[${host}]:${port}` : `https://${host}:${port}`;
}

function checkUniqueNames(clusters: ClusterSpec[]): void {
  const seen = new Set<string>();
  for (const c of clusters) {
    if (seen.has(c.name)) throw new MeshMedicError('SCENARIO_INVALID', `cluster name ${c.name} is used twice`);
    seen.add(c.name);
  }
}

function distinctMeshes(ids: string[]): { id: string }[] {
  return [...new Set(ids)].map((id) => ({ id }));
}

interface Prepared {
  spec: ClusterSpec;
  token: string;
  store: ObjectStore;
  logs: PodLogIndex;
  faults: FaultController;
  requestLog: RequestLog;
  server: ClusterServer;
}

/** CRDs first, so the kinds they define can be stored; everything else in scenario order. */
function loadOrder(objects: readonly K8sObject[]): K8sObject[] {
  const isCrd = (o: K8sObject) => o.kind === 'CustomResourceDefinition';
  return [...objects.filter(isCrd), ...objects.filter((o) => !isCrd(o))];
}

function loadObjects(p: Prepared, kubeconfigOf: (cluster: string) => string): void {
  for (const obj of loadOrder(p.spec.objects)) {
    if (obj.kind === 'Secret' && (obj.apiVersion ?? 'v1') === 'v1') {
      p.store.load(foldStringData(fillKubeconfigPlaceholders(obj, kubeconfigOf)));
    } else {
      p.store.load(obj);
    }
  }
}

function prepare(spec: ClusterSpec, clock: () => Date, tls: { key: string; cert: string }, host: string, port: number): Prepared {
  const token = randomBytes(24).toString('base64url');
  const store = new ObjectStore({ clock });
  const logs = new PodLogIndex(spec.logs);
  const faults = new FaultController(spec.faults ?? {});
  const requestLog = new RequestLog();
  const context: ClusterContext = { name: spec.name, store, controllers: new Controllers(store), logs, now: clock };
  const server = createClusterServer({ host, port, tls, token, context, faults, requestLog });
  return { spec, token, store, logs, faults, requestLog, server };
}

export async function startSandbox(opts: StartSandboxOptions): Promise<Sandbox> {
  checkUniqueNames(opts.clusters);
  const ownDir = opts.dir === undefined;
  const dir = resolve(opts.dir ?? (await mkdtemp(join(tmpdir(), 'mesh-medic-sandbox-'))));
  const prepared: Prepared[] = [];
  try {
    return await serve(opts, dir, ownDir, prepared);
  } catch (err) {
    // Leave nothing listening (and no temporary directory) behind.
    await Promise.all(prepared.map((p) => p.server.stop()));
    if (ownDir) await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

async function listenAll(prepared: Prepared[]): Promise<void> {
  try {
    for (const p of prepared) await p.server.listen();
  } catch (err) {
    throw new MeshMedicError('USAGE', `sandbox cannot listen: ${(err as Error).message}`, { cause: err });
  }
}

/** Starts every listener, then loads objects (placeholders need the ports) and writes the files. */
async function serve(opts: StartSandboxOptions, dir: string, ownDir: boolean, prepared: Prepared[]): Promise<Sandbox> {
  const host = opts.host ?? '127.0.0.1';
  const fixedNow = opts.now;
  const clock = () => (fixedNow ? new Date(fixedNow.getTime()) : new Date());
  await mkdir(join(dir, 'kubeconfigs'), { recursive: true });
  const tls = await generateSandboxTls(host);
  opts.clusters.forEach((spec, i) => {
    prepared.push(prepare(spec, clock, tls, host, opts.port === undefined ? 0 : opts.port + i));
  });
  await listenAll(prepared);

  const kubeconfigs = new Map<string, string>();
  for (const p of prepared) {
    kubeconfigs.set(p.spec.name, kubeconfigYaml({ cluster: p.spec.name, server: urlOf(host, p.server.port), caPem: tls.caCert, token: p.token }));
  }
  // A placeholder naming no sandbox cluster still gets a kubeconfig, one that reaches nothing.
  const kubeconfigOf = (name: string) =>
    kubeconfigs.get(name) ??
    kubeconfigYaml({ cluster: name, server: 'https://127.0.0.1:1', caPem: tls.caCert, token: randomBytes(24).toString('base64url') });

  const clusters = new Map<string, SandboxCluster>();
  for (const p of prepared) {
    loadObjects(p, kubeconfigOf);
    const kubeconfigPath = join(dir, 'kubeconfigs', `${p.spec.name}.yaml`);
    await writeFile(kubeconfigPath, kubeconfigs.get(p.spec.name) as string, { mode: 0o600 });
    clusters.set(p.spec.name, {
      name: p.spec.name,
      url: urlOf(host, p.server.port),
      port: p.server.port,
      kubeconfigPath,
      token: p.token,
      store: p.store,
      faults: p.faults,
      requestLog: p.requestLog,
      logs: p.logs,
    });
  }
  const caPath = join(dir, 'ca.pem');
  await writeFile(caPath, tls.caCert);
  const registryPath = join(dir, 'clusters.yaml');
  const meshes = distinctMeshes(opts.meshes?.map((m) => m.id) ?? opts.clusters.map((c) => c.mesh));
  await writeFile(registryPath, registryYaml(meshes, opts.clusters, (name) => `kubeconfigs/${name}.yaml`));

  let stopping: Promise<void> | undefined;
  return {
    dir,
    registryPath,
    caPath,
    clusters,
    cluster(name: string): SandboxCluster {
      const c = clusters.get(name);
      if (!c) throw new MeshMedicError('UNKNOWN_CLUSTER', `no sandbox cluster named ${name} (have: ${[...clusters.keys()].join(', ')})`);
      return c;
    },
    stop(): Promise<void> {
      stopping ??= (async () => {
        await Promise.all(prepared.map((p) => p.server.stop()));
        if (ownDir) await rm(dir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}
