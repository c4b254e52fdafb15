// Field selectors (`?fieldSelector=`): `=`, `==`, `!=` on the fields each resource type supports,
// exactly the ones a real API server supports for that type. Anything else is a 400
// `field label not supported: X`, as there.

import type { K8sObject } from '../../domain/k8s-object.ts';
import { getPath } from './json.ts';
import type { ServedType } from './resource-types.ts';
import { badRequest } from './status.ts';

export interface FieldRequirement {
  field: string;
  op: '=' | '!=';
  value: string;
}

/** Splits on unescaped commas; keeps escapes for the term parser. */
function splitTerms(input: string): string[] {
  const terms: string[] = [];
  let cur = '';
  for (let i = 0; i < input.length; i++) {
    const c = input[i] as string;
    if (c === '\\' && i + 1 < input.length) {
      cur += c + (input[i + 1] as string);
      i++;
    } else if (c === ',') {
      terms.push(cur);
      cur = '';
    } else {
      cur += c;
    }
  }
  terms.push(cur);
  return terms;
}

function unescapeValue(value: string, term: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i] as string;
    if (c === '\\') {
      const n = value[i + 1];
      if (n === undefined || !['\\', ',', '='].includes(n)) {
        throw badRequest(`invalid field selector: '${term}'; invalid escape sequence`);
      }
      out += n;
      i++;
    } else if (c === ',' || c === '=') {
      throw badRequest(`invalid field selector: '${term}'; unescaped '${c}' in value`);
    } else {
      out += c;
    }
  }
  return out;
}

function parseTerm(term: string): FieldRequirement {
  for (const [token, op] of [
    ['!=', '!='],
    ['==', '='],
    ['=', '='],
  ] as const) {
    const at = term.indexOf(token);
    if (at > 0) return { field: term.slice(0, at).trim(), op, value: unescapeValue(term.slice(at + token.length), term) };
  }
  throw badRequest(`invalid selector: '${term}'; can't understand '${term}'`);
}

/** Parses `?fieldSelector=`; throws 400 on malformed terms. */
export function parseFieldSelector(input: string): FieldRequirement[] {
  if (input.trim() === '') return [];
  return splitTerms(input).map(parseTerm);
}

type FieldGetter = (obj: K8sObject) => unknown;

const path =
  (...p: string[]): FieldGetter =>
  (obj) =>
    getPath(obj, p);

const COMMON: Record<string, FieldGetter> = {
  'metadata.name': path('metadata', 'name'),
  'metadata.namespace': path('metadata', 'namespace'),
};

/** Extra fields per kind, as registered by the real API server's field label conversion funcs. */
const BY_KIND: Record<string, Record<string, FieldGetter>> = {
  Pod: {
    'spec.nodeName': path('spec', 'nodeName'),
    'spec.restartPolicy': path('spec', 'restartPolicy'),
    'spec.schedulerName': path('spec', 'schedulerName'),
    'spec.serviceAccountName': path('spec', 'serviceAccountName'),
    'spec.hostNetwork': (o) => String(getPath(o, ['spec', 'hostNetwork']) === true),
    'status.phase': path('status', 'phase'),
    'status.podIP': path('status', 'podIP'),
    'status.nominatedNodeName': path('status', 'nominatedNodeName'),
  },
  Event: {
    'involvedObject.kind': path('involvedObject', 'kind'),
    'involvedObject.namespace': path('involvedObject', 'namespace'),
    'involvedObject.name': path('involvedObject', 'name'),
    'involvedObject.uid': path('involvedObject', 'uid'),
    'involvedObject.apiVersion': path('involvedObject', 'apiVersion'),
    'involvedObject.resourceVersion': path('involvedObject', 'resourceVersion'),
    'involvedObject.fieldPath': path('involvedObject', 'fieldPath'),
    reason: path('reason'),
    reportingComponent: path('reportingComponent'),
    source: path('source', 'component'),
    type: path('type'),
  },
  Secret: { type: path('type') },
  Namespace: { 'status.phase': path('status', 'phase') },
  Node: { 'spec.unschedulable': (o) => String(getPath(o, ['spec', 'unschedulable']) === true) },
  ReplicaSet: { 'status.replicas': path('status', 'replicas') },
};

function getterFor(t: ServedType, field: string): FieldGetter | undefined {
  return COMMON[field] ?? (t.fromCrd ? undefined : BY_KIND[t.kind]?.[field]);
}

/**
 * Compiles field requirements for one type into a predicate; throws 400 for unsupported fields.
 * Missing fields compare as "" (so `spec.nodeName=` selects unscheduled pods, as on a real server).
 */
export function compileFieldSelector(t: ServedType, reqs: readonly FieldRequirement[]): (obj: K8sObject) => boolean {
  const checks = reqs.map((r) => {
    const get = getterFor(t, r.field);
    if (!get) throw badRequest(`field label not supported: ${r.field}`);
    return (obj: K8sObject) => {
      const v = get(obj);
      const actual = v === undefined || v === null ? '' : String(v);
      return r.op === '=' ? actual === r.value : actual !== r.value;
    };
  });
  return (obj) => checks.every((c) => c(obj));
}
