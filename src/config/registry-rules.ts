// Rules across fields and entries of clusters.yaml that a schema cannot express. They read the raw
// document defensively, so they still report their problems when other fields are malformed:
// the user sees every problem of the file at once.

import { resolve } from 'node:path';
import { inspectKubeconfig } from './kubeconfig-file.ts';

type Raw = Record<string, unknown>;

export function crossFieldProblems(doc: unknown, baseDir: string): string[] {
  if (!isRecord(doc)) return [];
  const meshes = Array.isArray(doc.meshes) ? doc.meshes : [];
  const clusters = Array.isArray(doc.clusters) ? doc.clusters : [];
  return [
    ...duplicates(meshes, 'meshes', 'id'),
    ...duplicates(clusters, 'clusters', 'name'),
    ...clusters.flatMap((c, i) => (isRecord(c) ? clusterProblems(c, i, meshes, clusters, baseDir) : [])),
  ];
}

function duplicates(items: unknown[], list: string, key: string): string[] {
  const firstIndex = new Map<string, number>();
  const out: string[] = [];
  items.forEach((item, i) => {
    const value = isRecord(item) ? item[key] : undefined;
    if (typeof value !== 'string') return;
    const first = firstIndex.get(value);
    if (first === undefined) firstIndex.set(value, i);
    else out.push(`${list}[${i}].${key}: duplicate '${value}' (also ${list}[${first}])`);
  });
  return out;
}

function clusterProblems(c: Raw, i: number, meshes: unknown[], clusters: unknown[], baseDir: string): string[] {
  const at = `clusters[${i}]`;
  const out: string[] = [];
  const declared = meshes.map((m) => (isRecord(m) ? m.id : undefined)).filter((id) => typeof id === 'string');
  if (typeof c.mesh === 'string' && !declared.includes(c.mesh)) {
    out.push(`${at}.mesh: '${c.mesh}' is not declared in meshes (declared: ${declared.join(', ') || 'none'})`);
  }
  out.push(...controlPlaneProblems(c, at, clusters));
  out.push(...kubeconfigProblems(c, at, baseDir));
  return out;
}

function controlPlaneProblems(c: Raw, at: string, clusters: unknown[]): string[] {
  const cp = c.controlPlane;
  if (c.role !== 'remote') {
    return cp !== undefined && typeof c.role === 'string'
      ? [`${at}.controlPlane: only allowed for role remote (this cluster is ${c.role})`]
      : [];
  }
  if (cp === undefined) return [`${at}.controlPlane: required for role remote (the cluster whose istiod configures this one)`];
  if (typeof cp !== 'string' || cp === c.name) return [];
  const target = clusters.find((o) => isRecord(o) && o.name === cp) as Raw | undefined;
  if (!target) return [`${at}.controlPlane: no cluster named '${cp}' in this registry`];
  if (target.mesh !== c.mesh) {
    return [`${at}.controlPlane: '${cp}' belongs to mesh '${String(target.mesh)}', not '${String(c.mesh)}'`];
  }
  if (target.role === 'remote') {
    return [`${at}.controlPlane: '${cp}' is a remote cluster; name a control-plane or primary cluster, or this cluster itself when co-located`];
  }
  return [];
}

function kubeconfigProblems(c: Raw, at: string, baseDir: string): string[] {
  if (typeof c.kubeconfig !== 'string' || c.kubeconfig === '') return [];
  const path = resolve(baseDir, c.kubeconfig);
  const found = inspectKubeconfig(path);
  if (!found.ok) return [`${at}.kubeconfig: ${found.problem}`];
  if (typeof c.context === 'string') {
    return found.contexts.includes(c.context)
      ? []
      : [`${at}.context: '${c.context}' not found in ${path} (contexts: ${found.contexts.join(', ') || 'none'})`];
  }
  if (!found.currentContext) return [`${at}.kubeconfig: ${path} has no current-context; set context`];
  return found.contexts.includes(found.currentContext)
    ? []
    : [`${at}.kubeconfig: current-context '${found.currentContext}' of ${path} is not one of its contexts`];
}

function isRecord(v: unknown): v is Raw {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
