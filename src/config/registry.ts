// Loads and validates clusters.yaml, the one place clusters are registered (issue 3), and resolves
// cluster names users type.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import type { RegisteredCluster, Registry } from '../domain/cluster.ts';
import { MeshMedicError } from '../domain/errors.ts';
import { didYouMean } from './closest.ts';
import { crossFieldProblems } from './registry-rules.ts';
import { describeIssues, type RawCluster, registrySchema } from './registry-schema.ts';

export const DEFAULT_REGISTRY_FILE = 'clusters.yaml';

/** `--clusters FILE`, else `MESH_MEDIC_CLUSTERS`, else ./clusters.yaml; absolute. */
export function resolveRegistryPath(opts: { flag?: string; env?: string; cwd: string }): string {
  return resolve(opts.cwd, opts.flag || opts.env || DEFAULT_REGISTRY_FILE);
}

export function loadRegistry(path: string): Registry {
  const file = resolve(path);
  if (!existsSync(file)) {
    throw invalid(file, ['file not found (pass --clusters FILE or set MESH_MEDIC_CLUSTERS)']);
  }
  const doc = parseYamlFile(file);
  const shape = registrySchema.safeParse(doc);
  const problems = [
    ...(shape.success ? [] : describeIssues(doc, shape.error.issues)),
    ...crossFieldProblems(doc, dirname(file)),
  ];
  if (problems.length > 0 || !shape.success) throw invalid(file, problems);
  return {
    path: file,
    meshes: shape.data.meshes,
    clusters: shape.data.clusters.map((c) => toRegistered(c, dirname(file))),
  };
}

export function findCluster(registry: Registry, name: string): RegisteredCluster {
  const found = registry.clusters.find((c) => c.name === name);
  if (found) return found;
  const known = registry.clusters.map((c) => c.name);
  throw new MeshMedicError(
    'UNKNOWN_CLUSTER',
    `unknown cluster '${name}'. Known clusters: ${known.join(', ')}.${didYouMean(name, known)}`,
    { unrecoverable: true },
  );
}

function parseYamlFile(file: string): unknown {
  const doc = parseDocument(readFileSync(file, 'utf8'), { prettyErrors: true });
  if (doc.errors.length > 0) {
    throw invalid(
      file,
      doc.errors.map((e) => `not valid YAML: ${e.message.split('\n')[0]}`),
    );
  }
  return doc.toJS();
}

function toRegistered(c: RawCluster, baseDir: string): RegisteredCluster {
  const out: RegisteredCluster = {
    name: c.name,
    kubeconfig: resolve(baseDir, c.kubeconfig),
    mesh: c.mesh,
    role: c.role,
    production: c.production,
  };
  if (c.context !== undefined) out.context = c.context;
  if (c.network !== undefined) out.network = c.network;
  if (c.controlPlane !== undefined) out.controlPlane = c.controlPlane;
  if (c.channel !== undefined) out.channel = c.channel;
  if (c.approvers !== undefined) out.approvers = c.approvers;
  return out;
}

function invalid(file: string, problems: string[]): MeshMedicError {
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  return new MeshMedicError('REGISTRY_INVALID', `${file}: ${count}\n${problems.map((p) => `  - ${p}`).join('\n')}`, {
    unrecoverable: true,
  });
}
