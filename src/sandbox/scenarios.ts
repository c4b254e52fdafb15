// Loads sandbox scenarios (scenarios/<name>/scenario.yaml plus per-cluster manifests and logs, see
// scenarios/README.md) into ScenarioSpecs for the sandbox API server and the scenario tests.
//
// Everything a scenario author can get wrong is reported here, once, with the file and the path in
// it: a broken scenario must fail at load, not as a puzzling diagnosis later.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { z } from 'zod';
import { formatPath, valueAt } from '../config/issue-path.ts';
import { NAME_PATTERN, ROLES } from '../config/registry-schema.ts';
import { MeshMedicError } from '../domain/errors.ts';
import type { K8sObject } from '../domain/k8s-object.ts';
import { findResourceTypeByKind } from '../k8s/resources.ts';
import type { ClusterSpec, ContainerLog, ScenarioSpec } from './cluster-spec.ts';

/** Absolute path of <repo>/scenarios. */
export const SCENARIOS_DIR: string = fileURLToPath(new URL('../../scenarios/', import.meta.url)).replace(/[\\/]$/, '');

const BASES_DIR = '_bases';
const SCENARIO_FILE = 'scenario.yaml';
/** Placeholders filled from the cluster's registry fields before a file is parsed. */
const FIELD_PLACEHOLDERS = ['cluster', 'mesh', 'network', 'controlPlane'] as const;
/** `{{word}}` or `{{word:arg}}`; Go-template text such as `{{ .Values.x }}` does not match. */
const PLACEHOLDER = /\{\{([A-Za-z][A-Za-z0-9]*)(?::([^{}\s]*))?\}\}/g;

export interface LoadOptions {
  /** Directory holding the scenario directories; default SCENARIOS_DIR. */
  root?: string;
  /** The moment the incident should appear to have been recorded at; default: new Date(). */
  now?: Date;
}

// ---------------------------------------------------------------------------------------------
// scenario.yaml schema

const nameSchema = z.string().regex(NAME_PATTERN, `must match ${NAME_PATTERN.source}`);
const checkId = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be a kebab-case check id');
const rfc3339 = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/, 'must be an RFC3339 timestamp');

const faultMatchSchema = z.strictObject({
  verb: z.enum(['get', 'list', 'create', 'update', 'patch', 'delete']).optional(),
  resource: z.string().min(1).optional(),
  group: z.string().optional(),
  namespace: z.string().min(1).optional(),
  name: z.string().min(1).optional(),
});

const faultActionSchema = z.union([
  z.strictObject({
    status: z.literal([401, 403, 404, 409, 429, 500, 503]),
    message: z.string().optional(),
  }),
  z.strictObject({ delayMs: z.number().int().nonnegative() }),
  z.strictObject({ timeout: z.literal(true) }),
]);

const clusterEntrySchema = z.strictObject({
  name: nameSchema,
  mesh: nameSchema,
  role: z.enum(ROLES),
  network: z.string().min(1).optional(),
  controlPlane: nameSchema.optional(),
  production: z.boolean().optional(),
  channel: z.string().min(1).optional(),
  bases: z.array(z.string().regex(/^[a-z0-9][-a-z0-9.]*$/, 'must be a base directory name')).optional(),
  expectFail: z.array(checkId),
  faults: z
    .strictObject({
      refuseConnections: z.boolean().optional(),
      rules: z.array(z.strictObject({ match: faultMatchSchema, action: faultActionSchema })).optional(),
    })
    .optional(),
});

const scenarioFileSchema = z.strictObject({
  name: z.string().min(1),
  description: z.string().min(1),
  sources: z.array(z.string().min(1)),
  recordedAt: rfc3339,
  meshes: z.array(z.strictObject({ id: nameSchema })).min(1, 'must declare at least one mesh'),
  clusters: z.array(clusterEntrySchema).min(1, 'must list at least one cluster'),
});

type ScenarioFile = z.infer<typeof scenarioFileSchema>;
type ClusterEntry = z.infer<typeof clusterEntrySchema>;

function describeIssue(doc: unknown, issue: z.core.$ZodIssue): string[] {
  if (issue.code === 'unrecognized_keys') return issue.keys.map((k) => `${formatPath([...issue.path, k])}: unknown key`);
  const at = formatPath(issue.path);
  const value = valueAt(doc, issue.path);
  if (value === undefined && issue.path.length > 0) return [`${at}: required`];
  switch (issue.code) {
    case 'invalid_value':
      return [`${at}: invalid value ${JSON.stringify(value)} (expected one of ${issue.values.map(String).join(', ')})`];
    case 'invalid_type':
      return [`${at}: invalid type (expected ${issue.expected})`];
    case 'invalid_union':
      return [`${at}: invalid value ${JSON.stringify(value)}`];
    default:
      return [`${at}: ${issue.message}`];
  }
}

// ---------------------------------------------------------------------------------------------
// errors and small helpers

class Ctx {
  constructor(readonly root: string) {}
  /** How a file is named in messages: relative to the parent of root, e.g. scenarios/x/scenario.yaml. */
  show(file: string): string {
    return relative(dirname(this.root), file) || file;
  }
  fail(file: string, problem: string): never {
    throw new MeshMedicError('SCENARIO_INVALID', `${this.show(file)}: ${problem}`, { unrecoverable: true });
  }
}

function isDir(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}

function sortedEntries(dir: string): string[] {
  return readdirSync(dir)
    .filter((e) => !e.startsWith('.'))
    .sort();
}

function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash === -1 ? '' : apiVersion.slice(0, slash);
}

/** Identity used for base overrides: group, kind, namespace, name (the version does not matter). */
export function objectKey(obj: Pick<K8sObject, 'apiVersion' | 'kind' | 'metadata'>): string {
  return [groupOf(obj.apiVersion), obj.kind, obj.metadata.namespace ?? '', obj.metadata.name].join('/');
}

function logKey(log: Pick<ContainerLog, 'namespace' | 'pod' | 'container' | 'previous'>): string {
  return `${log.namespace}/${log.pod}/${log.container}${log.previous ? ' (previous)' : ''}`;
}

// ---------------------------------------------------------------------------------------------
// public API

/** Scenario directory names under root, sorted; `_bases` (and any `_`/`.` directory) excluded. */
export function listScenarios(root: string = SCENARIOS_DIR): string[] {
  if (!isDir(root)) return [];
  return sortedEntries(root).filter((e) => !e.startsWith('_') && isDir(join(root, e)));
}

export function loadScenario(name: string, opts: LoadOptions = {}): ScenarioSpec {
  const ctx: Ctx = new Ctx(opts.root ?? SCENARIOS_DIR);
  const dir = join(ctx.root, name);
  const file = join(dir, SCENARIO_FILE);
  if (name.startsWith('_') || name.includes('/') || !existsSync(file)) {
    const known = listScenarios(ctx.root);
    throw new MeshMedicError(
      'SCENARIO_INVALID',
      `unknown scenario '${name}' (no ${ctx.show(file)}); scenarios: ${known.join(', ') || 'none'}`,
      { unrecoverable: true },
    );
  }
  const spec = readScenarioFile(ctx, file, name);
  const delta = (opts.now ?? new Date()).getTime() - Date.parse(spec.recordedAt);
  const clusters = spec.clusters.map((c) => loadCluster(ctx, dir, spec, c, delta));
  return {
    name: spec.name,
    description: spec.description.trim(),
    sources: spec.sources,
    meshes: spec.meshes,
    clusters,
  };
}

export function loadScenarios(names: string[] | 'all', opts: LoadOptions = {}): ScenarioSpec[] {
  const list = names === 'all' ? listScenarios(opts.root) : names;
  const specs = list.map((n) => loadScenario(n, opts));
  assertUniqueAcross(specs, (s) => s.clusters.map((c) => c.name), 'cluster name');
  // clusters.yaml for `--scenario all` lists every mesh: two scenarios sharing a mesh id would
  // silently become one mesh, and cross-cluster checks would compare unrelated clusters.
  assertUniqueAcross(specs, (s) => s.meshes.map((m) => m.id), 'mesh id');
  return specs;
}

function assertUniqueAcross(specs: ScenarioSpec[], keys: (s: ScenarioSpec) => string[], what: string): void {
  const seen = new Map<string, string>();
  for (const spec of specs) {
    for (const key of keys(spec)) {
      const other = seen.get(key);
      if (other !== undefined && other !== spec.name) {
        throw new MeshMedicError(
          'SCENARIO_INVALID',
          `${what} '${key}' is used by scenarios ${other} and ${spec.name}: ${what}s must be unique across all scenarios`,
          { unrecoverable: true },
        );
      }
      seen.set(key, spec.name);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// scenario.yaml

function readScenarioFile(ctx: Ctx, file: string, dirName: string): ScenarioFile {
  const docs = parseYamlDocs(ctx, file, readFileSync(file, 'utf8'));
  if (docs.length !== 1) ctx.fail(file, `expected exactly one YAML document, found ${docs.length}`);
  const raw = docs[0];
  const parsed = scenarioFileSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.flatMap((i) => describeIssue(raw, i));
    ctx.fail(file, problems.join('; '));
  }
  const spec = parsed.data;
  if (spec.name !== dirName) ctx.fail(file, `name: '${spec.name}' must equal the directory name '${dirName}'`);
  checkClusterEntries(ctx, file, spec);
  return spec;
}

function checkClusterEntries(ctx: Ctx, file: string, spec: ScenarioFile): void {
  const meshIds = new Set(spec.meshes.map((m) => m.id));
  const names = new Set<string>();
  spec.clusters.forEach((c, i) => {
    const at = `clusters[${i}]`;
    if (names.has(c.name)) ctx.fail(file, `${at}.name: duplicate cluster name '${c.name}'`);
    names.add(c.name);
    if (!meshIds.has(c.mesh)) ctx.fail(file, `${at}.mesh: '${c.mesh}' is not declared under meshes`);
    if (c.role === 'remote' && !c.controlPlane) ctx.fail(file, `${at}.controlPlane: required for role remote`);
    if (c.role !== 'remote' && c.controlPlane) ctx.fail(file, `${at}.controlPlane: only allowed for role remote`);
  });
  spec.clusters.forEach((c, i) => {
    if (!c.controlPlane) return;
    const cp = spec.clusters.find((o) => o.name === c.controlPlane);
    if (!cp) ctx.fail(file, `clusters[${i}].controlPlane: '${c.controlPlane}' is not a cluster of this scenario`);
    if (cp.mesh !== c.mesh) ctx.fail(file, `clusters[${i}].controlPlane: '${cp.name}' belongs to another mesh (${cp.mesh})`);
    if (cp.role === 'remote' && cp.name !== c.name) {
      ctx.fail(file, `clusters[${i}].controlPlane: '${cp.name}' is a remote cluster and runs no istiod for others`);
    }
  });
}

// ---------------------------------------------------------------------------------------------
// one cluster: sources (bases, then the cluster directory), objects, logs

interface Source {
  label: string;
  dir: string;
}

function sourcesOf(ctx: Ctx, scenarioDir: string, spec: ScenarioFile, c: ClusterEntry, i: number): Source[] {
  const file = join(scenarioDir, SCENARIO_FILE);
  const sources: Source[] = [];
  for (const [j, base] of (c.bases ?? []).entries()) {
    const dir = join(ctx.root, BASES_DIR, base);
    if (!isDir(dir)) ctx.fail(file, `clusters[${i}].bases[${j}]: base '${base}' not found (${ctx.show(dir)})`);
    sources.push({ label: `base ${base}`, dir });
  }
  const own = join(scenarioDir, c.name);
  if (!isDir(own)) ctx.fail(file, `clusters[${i}]: cluster directory ${ctx.show(own)} not found`);
  sources.push({ label: `cluster ${c.name} of ${spec.name}`, dir: own });
  return sources;
}

function loadCluster(ctx: Ctx, scenarioDir: string, spec: ScenarioFile, c: ClusterEntry, delta: number): ClusterSpec {
  const i = spec.clusters.indexOf(c);
  const vars = placeholderValues(c);
  const peers = new Set(spec.clusters.map((o) => o.name));
  const objects = new Map<string, K8sObject>();
  const logs = new Map<string, LoadedLog>();
  for (const source of sourcesOf(ctx, scenarioDir, spec, c, i)) {
    for (const obj of readManifests(ctx, source, vars, peers)) objects.set(objectKey(obj), obj);
    for (const loaded of readLogs(ctx, source, vars, peers)) logs.set(logKey(loaded.log), loaded);
  }
  const objectList = [...objects.values()];
  checkKindsServed(ctx, join(scenarioDir, c.name), objectList);
  checkLogsHaveContainers(ctx, objectList, [...logs.values()]);
  return {
    name: c.name,
    mesh: c.mesh,
    role: c.role,
    ...(c.network !== undefined ? { network: c.network } : {}),
    ...(c.controlPlane !== undefined ? { controlPlane: c.controlPlane } : {}),
    ...(c.production !== undefined ? { production: c.production } : {}),
    ...(c.channel !== undefined ? { channel: c.channel } : {}),
    expectFail: c.expectFail,
    objects: objectList.map((o) => shiftObjectTimestamps(o, delta)),
    logs: [...logs.values()].map(({ log }) => ({ ...log, text: shiftLogTimestamps(log.text, delta) })),
    ...(c.faults !== undefined ? { faults: c.faults } : {}),
  };
}

type Vars = Partial<Record<(typeof FIELD_PLACEHOLDERS)[number], string>>;

function placeholderValues(c: ClusterEntry): Vars {
  return { cluster: c.name, mesh: c.mesh, network: c.network, controlPlane: c.controlPlane };
}

/**
 * Fills `{{cluster}}`, `{{mesh}}`, `{{network}}`, `{{controlPlane}}`; leaves `{{kubeconfig:NAME}}`
 * for the sandbox (it knows URLs and tokens only at start) after checking NAME is a cluster of
 * this scenario. Anything else in double braces is a typo and an error.
 */
function fillPlaceholders(ctx: Ctx, file: string, text: string, vars: Vars, peers: Set<string>): string {
  return text.replace(PLACEHOLDER, (whole, word: string, arg: string | undefined) => {
    if (word === 'kubeconfig' && arg !== undefined) {
      if (!peers.has(arg)) ctx.fail(file, `${whole}: '${arg}' is not a cluster of this scenario`);
      return whole;
    }
    if (arg === undefined && (FIELD_PLACEHOLDERS as readonly string[]).includes(word)) {
      const value = vars[word as keyof Vars];
      if (value === undefined) ctx.fail(file, `${whole}: this cluster has no ${word} in scenario.yaml`);
      return value;
    }
    return ctx.fail(
      file,
      `unknown placeholder ${whole} (known: ${FIELD_PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ')}, {{kubeconfig:CLUSTER}})`,
    );
  });
}

function parseYamlDocs(ctx: Ctx, file: string, text: string): unknown[] {
  const out: unknown[] = [];
  for (const doc of parseAllDocuments(text)) {
    const err = doc.errors[0];
    if (err) ctx.fail(file, `invalid YAML: ${err.message.split('\n')[0]}`);
    const value = doc.toJS({ maxAliasCount: 100 }) as unknown;
    if (value !== null && value !== undefined) out.push(value);
  }
  return out;
}

function readManifests(ctx: Ctx, source: Source, vars: Vars, peers: Set<string>): K8sObject[] {
  const seen = new Map<string, string>();
  const objects: K8sObject[] = [];
  for (const entry of sortedEntries(source.dir)) {
    if (!/\.ya?ml$/.test(entry)) continue;
    const file = join(source.dir, entry);
    if (!statSync(file).isFile()) continue;
    const text = fillPlaceholders(ctx, file, readFileSync(file, 'utf8'), vars, peers);
    parseYamlDocs(ctx, file, text).forEach((doc, d) => {
      for (const obj of expandList(ctx, file, doc, d)) {
        const key = objectKey(obj);
        const prior = seen.get(key);
        if (prior) ctx.fail(file, `${obj.kind} ${key} is defined twice in ${source.label} (also in ${prior})`);
        seen.set(key, basename(file));
        objects.push(obj);
      }
    });
  }
  return objects;
}

function expandList(ctx: Ctx, file: string, doc: unknown, d: number): K8sObject[] {
  const obj = asObject(ctx, file, doc, `document ${d + 1}`);
  if (obj.kind !== 'List' && !(obj.kind.endsWith('List') && Array.isArray(obj.items))) return [obj];
  if (!Array.isArray(obj.items)) ctx.fail(file, `document ${d + 1}: kind ${obj.kind} without items`);
  return (obj.items as unknown[]).map((item, n) => asObject(ctx, file, item, `document ${d + 1} items[${n}]`));
}

function asObject(ctx: Ctx, file: string, value: unknown, where: string): K8sObject {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) ctx.fail(file, `${where}: not a mapping`);
  const obj = value as Partial<K8sObject>;
  const name = obj.metadata && typeof obj.metadata === 'object' ? obj.metadata.name : undefined;
  if (typeof obj.apiVersion !== 'string' || !obj.apiVersion) ctx.fail(file, `${where}: apiVersion is required`);
  if (typeof obj.kind !== 'string' || !obj.kind) ctx.fail(file, `${where}: kind is required`);
  if (obj.kind === 'List' || (obj.kind.endsWith('List') && Array.isArray((obj as { items?: unknown }).items))) {
    return obj as K8sObject;
  }
  if (typeof name !== 'string' || !name) ctx.fail(file, `${where} (${obj.kind}): metadata.name is required`);
  return obj as K8sObject;
}

interface LoadedLog {
  log: ContainerLog;
  file: string;
}

const LOG_FILE = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)(\.previous)?\.log$/;

/** logs/<namespace>/<pod>/<container>.log and <container>.previous.log. */
function readLogs(ctx: Ctx, source: Source, vars: Vars, peers: Set<string>): LoadedLog[] {
  const root = join(source.dir, 'logs');
  if (!isDir(root)) return [];
  const logs: LoadedLog[] = [];
  for (const namespace of sortedEntries(root)) {
    const nsDir = join(root, namespace);
    if (!isDir(nsDir)) ctx.fail(nsDir, 'expected a namespace directory under logs/');
    for (const pod of sortedEntries(nsDir)) {
      const podDir = join(nsDir, pod);
      if (!isDir(podDir)) ctx.fail(podDir, 'expected a pod directory under logs/<namespace>/');
      for (const entry of sortedEntries(podDir)) {
        const file = join(podDir, entry);
        const m = LOG_FILE.exec(entry);
        if (!m?.[1]) ctx.fail(file, 'log files are named <container>.log or <container>.previous.log');
        const text = fillPlaceholders(ctx, file, readFileSync(file, 'utf8'), vars, peers);
        // Pod names may hold placeholders too (istiod-{{mesh}}-hosted-...).
        const podName = fillPlaceholders(ctx, file, pod, vars, peers);
        logs.push({ log: { namespace, pod: podName, container: m[1], previous: m[3] !== undefined, text }, file });
      }
    }
  }
  return logs;
}

/** apiVersion/kind pairs a cluster's CustomResourceDefinitions serve. */
function crdServed(objects: K8sObject[]): Set<string> {
  const served = new Set<string>();
  for (const crd of objects) {
    if (crd.kind !== 'CustomResourceDefinition') continue;
    const spec = (crd.spec ?? {}) as { group?: string; names?: { kind?: string }; versions?: { name?: string; served?: boolean }[] };
    for (const v of spec.versions ?? []) {
      if (v.served !== false) served.add(`${spec.group}/${v.name} ${spec.names?.kind}`);
    }
  }
  return served;
}

/** The sandbox serves the static resource table plus CRD kinds: anything else could not be served. */
function checkKindsServed(ctx: Ctx, clusterDir: string, objects: K8sObject[]): void {
  const crds = crdServed(objects);
  for (const obj of objects) {
    const t = findResourceTypeByKind(obj.apiVersion, obj.kind);
    const version = obj.apiVersion.slice(obj.apiVersion.indexOf('/') + 1);
    if (t?.versions.includes(version) || crds.has(`${obj.apiVersion} ${obj.kind}`)) continue;
    ctx.fail(
      clusterDir,
      `${obj.kind} ${objectKey(obj)}: ${obj.apiVersion} ${obj.kind} is neither a built-in type (src/k8s/resources.ts) nor served by a CustomResourceDefinition of this cluster`,
    );
  }
}

function containerNames(pod: K8sObject): string[] {
  const spec = (pod.spec ?? {}) as Record<string, unknown>;
  return ['containers', 'initContainers', 'ephemeralContainers'].flatMap((field) => {
    const list = spec[field];
    return Array.isArray(list) ? list.map((c) => String((c as { name?: unknown }).name)) : [];
  });
}

function checkLogsHaveContainers(ctx: Ctx, objects: K8sObject[], logs: LoadedLog[]): void {
  const pods = new Map(
    objects.filter((o) => o.kind === 'Pod' && o.apiVersion === 'v1').map((p) => [`${p.metadata.namespace}/${p.metadata.name}`, p]),
  );
  for (const { log, file } of logs) {
    const pod = pods.get(`${log.namespace}/${log.pod}`);
    if (!pod) ctx.fail(file, `log for pod ${log.namespace}/${log.pod}, which this cluster does not define`);
    if (!containerNames(pod).includes(log.container)) {
      ctx.fail(file, `log for container ${log.container}, which pod ${log.namespace}/${log.pod} does not have`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// timestamp shifting: the incident should look as if it was recorded just now

const TIMESTAMP = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/;
const LEADING_TIMESTAMP = /^(\[?)(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2}))(?=$|[\]\s])/;

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function offsetMinutes(zone: string): number {
  if (zone === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  return sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
}

/**
 * Moves one RFC3339 timestamp by deltaMs, keeping its format: the same number of fractional
 * digits (digits below the millisecond are kept as they were), the same zone designator.
 * Returns undefined when the value is not a full RFC3339 timestamp.
 */
export function shiftTimestamp(value: string, deltaMs: number): string | undefined {
  const m = TIMESTAMP.exec(value);
  if (!m?.[1] || !m[3]) return undefined;
  const [, base, fraction = '', zone] = m;
  const ms = fraction ? Number(fraction.slice(0, 3).padEnd(3, '0')) : 0;
  const parsed = Date.parse(`${base}.${pad(ms, 3)}${zone}`);
  if (Number.isNaN(parsed)) return undefined;
  const offset = offsetMinutes(zone);
  // Format in the original zone: shift into "local" wall-clock time, then read it as UTC.
  const t = new Date(parsed + deltaMs + offset * 60_000);
  const wall = `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}T${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}`;
  return `${wall}${shiftedFraction(fraction, t.getUTCMilliseconds())}${zone}`;
}

/** `.657568` stays six digits: new milliseconds, old sub-millisecond digits; `.5` stays one digit. */
function shiftedFraction(fraction: string, ms: number): string {
  if (!fraction) return '';
  const millis = pad(ms, 3);
  return `.${fraction.length >= 3 ? millis + fraction.slice(3) : millis.slice(0, fraction.length)}`;
}

/** Deep copy of obj with every string value that is a full RFC3339 timestamp shifted. */
export function shiftObjectTimestamps<T>(value: T, deltaMs: number): T {
  if (typeof value === 'string') return (shiftTimestamp(value, deltaMs) ?? value) as T;
  if (Array.isArray(value)) return value.map((v) => shiftObjectTimestamps(v, deltaMs)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = shiftObjectTimestamps(v, deltaMs);
    return out as T;
  }
  return value;
}

/** Shifts the leading timestamp of every line (`2023-...Z` or Envoy's `[2023-...Z]`). */
export function shiftLogTimestamps(text: string, deltaMs: number): string {
  return text
    .split('\n')
    .map((line) =>
      line.replace(LEADING_TIMESTAMP, (whole, bracket: string, ts: string) => {
        const shifted = shiftTimestamp(ts, deltaMs);
        return shifted === undefined ? whole : `${bracket}${shifted}`;
      }),
    )
    .join('\n');
}
