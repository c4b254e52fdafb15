// What a snapshot keeps of each object: everything, except bulky fields that no check reads.
// Pods are most of a cluster's bytes, and most of a pod's bytes are volumes, mounts, probes,
// resources and scheduling constraints; on a real API server every object also carries
// managedFields and, when applied with kubectl, a copy of itself in an annotation. Dropping them as
// each item is parsed keeps a 20,000-pod snapshot's memory (and the garbage collector's work) down.
//
// Live and offline snapshots apply the same projection (build-snapshot.ts), so the scenario tests
// run every check on projected objects: a check that needs a field listed here fails them. To
// read such a field in a new check, remove it from the lists below.

import type { K8sObject } from '../domain/k8s-object.ts';
import type { SnapshotKind } from './snapshot.ts';

/** Annotations that copy the object itself (kubectl apply) or are otherwise never read. */
const DROPPED_ANNOTATIONS = ['kubectl.kubernetes.io/last-applied-configuration'];

/** Pod spec fields no check reads. */
const DROPPED_POD_SPEC = ['volumes', 'tolerations', 'affinity', 'topologySpreadConstraints'];

/** Container fields no check reads (checks read name, image, env, command, lifecycle,
 *  securityContext, restartPolicy of containers; everything in status). */
const DROPPED_CONTAINER = [
  'args',
  'ports',
  'volumeMounts',
  'volumeDevices',
  'resources',
  'readinessProbe',
  'livenessProbe',
  'startupProbe',
  'terminationMessagePath',
  'terminationMessagePolicy',
  'imagePullPolicy',
];

const CONTAINER_LISTS = ['containers', 'initContainers', 'ephemeralContainers'];

/** Kinds whose `spec.template.spec` is a pod spec. */
const WORKLOAD_KINDS: ReadonlySet<SnapshotKind> = new Set<SnapshotKind>(['deployments.apps', 'replicasets.apps', 'daemonsets.apps']);

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `obj` without `keys` (the same object when it has none of them). Never mutates `obj`. */
function without(obj: Rec, keys: readonly string[]): Rec {
  if (!keys.some((k) => k in obj)) return obj;
  const out: Rec = {};
  for (const k of Object.keys(obj)) if (!keys.includes(k)) out[k] = obj[k];
  return out;
}

function projectPodSpec(spec: unknown): unknown {
  if (!isRec(spec)) return spec;
  let out = without(spec, DROPPED_POD_SPEC);
  for (const list of CONTAINER_LISTS) {
    const containers = out[list];
    if (!Array.isArray(containers)) continue;
    const projected = containers.map((c: unknown) => (isRec(c) ? without(c, DROPPED_CONTAINER) : c));
    if (projected.some((c, i) => c !== containers[i])) {
      if (out === spec) out = { ...spec };
      out[list] = projected;
    }
  }
  return out;
}

function projectMetadata(metadata: K8sObject['metadata']): K8sObject['metadata'] {
  const annotations = metadata.annotations;
  const dropAnnotations = isRec(annotations) && DROPPED_ANNOTATIONS.some((k) => k in annotations);
  if (!('managedFields' in metadata) && !dropAnnotations) return metadata;
  const out = without(metadata, ['managedFields']) as K8sObject['metadata'];
  if (dropAnnotations) return { ...out, annotations: without(annotations, DROPPED_ANNOTATIONS) as Record<string, string> };
  return out;
}

function projectTemplate(spec: unknown): unknown {
  if (!isRec(spec) || !isRec(spec.template)) return spec;
  const podSpec = projectPodSpec(spec.template.spec);
  return podSpec === spec.template.spec ? spec : { ...spec, template: { ...spec.template, spec: podSpec } };
}

/** The object as a snapshot keeps it. Returns `obj` itself when nothing is dropped; never mutates it. */
export function projectObject(kind: SnapshotKind, obj: K8sObject): K8sObject {
  const metadata = isRec(obj.metadata) ? projectMetadata(obj.metadata) : obj.metadata;
  let spec: unknown = obj.spec;
  if (kind === 'pods') spec = projectPodSpec(obj.spec);
  else if (WORKLOAD_KINDS.has(kind)) spec = projectTemplate(obj.spec);
  if (metadata === obj.metadata && spec === obj.spec) return obj;
  const out: K8sObject = { ...obj, metadata };
  if (spec !== undefined || 'spec' in obj) out.spec = spec;
  return out;
}
