// Turns a healthy generated mesh into one with `subset-no-endpoints` findings: the chosen
// Deployments lose their `version` label, so the DestinationRule subset for that version selects
// nothing (seed 003: the pods had no `version` label). Objects are matched by namespace and name
// through ownerReferences, so uids are not required.

import { MeshMedicError } from '../../domain/errors.ts';
import type { K8sObject } from '../../domain/k8s-object.ts';
import { Rng } from './prng.ts';

type Labels = Record<string, string> | undefined;

const key = (namespace: string | undefined, name: string) => `${namespace ?? ''}/${name}`;

function templateLabels(obj: K8sObject): Labels {
  return obj.spec?.template?.metadata?.labels;
}

function ownerKey(obj: K8sObject, kind: string): string | undefined {
  const owner = obj.metadata.ownerReferences?.find((o) => o.kind === kind && o.controller !== false);
  return owner ? key(obj.metadata.namespace, owner.name) : undefined;
}

function withoutVersion(labels: Labels): Labels {
  if (!labels) return labels;
  const { version: _removed, ...rest } = labels;
  return rest;
}

/** Deployment or ReplicaSet: the label goes from metadata, selector and pod template alike, since
 *  the API server rejects a selector that does not match its template. */
function stripWorkload(obj: K8sObject): K8sObject {
  const copy = structuredClone(obj);
  copy.metadata.labels = withoutVersion(copy.metadata.labels);
  if (copy.spec?.selector?.matchLabels) copy.spec.selector.matchLabels = withoutVersion(copy.spec.selector.matchLabels);
  if (copy.spec?.template?.metadata) copy.spec.template.metadata.labels = withoutVersion(templateLabels(copy));
  return copy;
}

function stripPod(obj: K8sObject): K8sObject {
  const copy = structuredClone(obj);
  const labels = withoutVersion(copy.metadata.labels) ?? {};
  // The injector derives the canonical revision from `version`; without it, it writes `latest`.
  if ('service.istio.io/canonical-revision' in labels) labels['service.istio.io/canonical-revision'] = 'latest';
  copy.metadata.labels = labels;
  return copy;
}

function chooseDeployments(objects: K8sObject[], count: number, seed: number): Set<string> {
  if (!Number.isInteger(count) || count < 0) {
    throw new MeshMedicError('USAGE', `injectSubsetFailures: count must be a non-negative integer, got ${count}`);
  }
  const candidates = objects
    .filter((o) => o.kind === 'Deployment' && templateLabels(o)?.version !== undefined)
    .map((o) => key(o.metadata.namespace, o.metadata.name))
    .sort();
  if (count > candidates.length) {
    throw new MeshMedicError(
      'USAGE',
      `injectSubsetFailures: asked for ${count} failures but only ${candidates.length} Deployments carry a version label`,
    );
  }
  return new Set(new Rng(seed).shuffle(candidates).slice(0, count));
}

/** A new array: the chosen Deployments, their ReplicaSets and pods are replaced by stripped
 *  copies; every other object is passed through unchanged (the input is not mutated). */
export function injectSubsetFailures(objects: K8sObject[], count: number, seed: number): K8sObject[] {
  const deployments = chooseDeployments(objects, count, seed);
  const replicaSets = new Set(
    objects
      .filter((o) => o.kind === 'ReplicaSet' && deployments.has(ownerKey(o, 'Deployment') ?? ''))
      .map((o) => key(o.metadata.namespace, o.metadata.name)),
  );
  return objects.map((o) => {
    if (o.kind === 'Deployment' && deployments.has(key(o.metadata.namespace, o.metadata.name))) return stripWorkload(o);
    if (o.kind === 'ReplicaSet' && replicaSets.has(key(o.metadata.namespace, o.metadata.name))) return stripWorkload(o);
    if (o.kind === 'Pod' && replicaSets.has(ownerKey(o, 'ReplicaSet') ?? '')) return stripPod(o);
    return o;
  });
}
