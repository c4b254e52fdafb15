// Picks the patch engine from the request's Content-Type, as the real API server does.

import type { K8sObject } from '../../../domain/k8s-object.ts';
import type { JsonObject } from '../json.ts';
import type { ServedType } from '../resource-types.ts';
import { unsupportedMediaType } from '../status.ts';
import { applyJsonPatch } from './json-patch.ts';
import { applyMergePatch } from './merge-patch.ts';
import { applyStrategicMergePatch } from './strategic-merge.ts';

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

const BY_MEDIA_TYPE: Record<string, PatchType> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
  'application/apply-patch+cbor': 'apply',
};

function unknownFormat(t: ServedType): never {
  const accepted = ['application/json-patch+json', 'application/merge-patch+json'];
  if (t.builtin) accepted.push('application/strategic-merge-patch+json');
  accepted.push('application/apply-patch+yaml');
  throw unsupportedMediaType(
    `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
  );
}

/** The patch type of a Content-Type header; 415 when the type does not take that patch. */
export function patchTypeOf(contentType: string | undefined, t: ServedType): PatchType {
  const media = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const type = BY_MEDIA_TYPE[media];
  if (!type || (type === 'strategic' && !t.builtin)) unknownFormat(t);
  return type;
}

/**
 * The object a patch produces. Server-side apply (`apply`) is approximated by a JSON merge patch:
 * enough for `kubectl apply --server-side` of whole manifests; field ownership is not tracked.
 */
export function applyPatch(type: PatchType, t: ServedType, current: K8sObject, patch: unknown): K8sObject {
  switch (type) {
    case 'json':
      return applyJsonPatch(current, patch) as K8sObject;
    case 'merge':
    case 'apply':
      return applyMergePatch(current, patch) as K8sObject;
    case 'strategic':
      return applyStrategicMergePatch(t.kind, current as unknown as JsonObject, patch) as unknown as K8sObject;
  }
}
