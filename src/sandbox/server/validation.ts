// Minimal object validation on writes: the checks whose absence would let a test or a remediation
// store something a real API server refuses. Failures are 422 Invalid with details.causes.

import type { K8sObject } from '../../domain/k8s-object.ts';
import { isObject } from './json.ts';
import { validLabelKey, validLabelValue } from './label-selector.ts';
import type { ServedType } from './resource-types.ts';
import { badRequest, type InvalidField, invalid } from './status.ts';

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function required(field: string, what: string): InvalidField {
  return { field, reason: 'FieldValueRequired', message: `Required value: ${what}` };
}

function invalidValue(field: string, value: unknown, why: string): InvalidField {
  return { field, reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(value)}: ${why}` };
}

function checkStringMap(field: string, value: unknown, labels: boolean): InvalidField[] {
  if (value === undefined || value === null) return [];
  if (!isObject(value)) return [invalidValue(field, value, 'must be a map of string keys to string values')];
  const errors: InvalidField[] = [];
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') {
      errors.push(invalidValue(`${field}.${k}`, v, 'must be a string'));
    } else if (labels && !validLabelValue(v)) {
      errors.push(invalidValue(field, v, "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"));
    }
    if (!validLabelKey(k)) {
      errors.push(invalidValue(field, k, "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"));
    }
  }
  return errors;
}

/** Throws 400 when a request body is not an object with metadata. */
export function requireObject(body: unknown): K8sObject {
  if (!isObject(body)) throw badRequest('the request body must be a JSON object');
  if (body.metadata !== undefined && !isObject(body.metadata)) throw badRequest('metadata must be an object');
  if (body.metadata === undefined) body.metadata = {};
  return body as K8sObject;
}

/**
 * Validates an object about to be stored. `old` is the stored version for updates and patches:
 * name and namespace are immutable.
 */
export function validateObject(t: ServedType, obj: K8sObject, old?: K8sObject): void {
  const md = obj.metadata;
  const errors: InvalidField[] = [];
  if (typeof md.name !== 'string' || md.name === '') {
    errors.push(required('metadata.name', 'name or generateName is required'));
  } else if (!old && t.kind !== 'Event' && (md.name.length > 253 || !DNS_SUBDOMAIN.test(md.name))) {
    errors.push(invalidValue('metadata.name', md.name, "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character"));
  }
  if (old && md.name !== old.metadata.name) {
    errors.push(invalidValue('metadata.name', md.name, 'field is immutable'));
  }
  if (old && t.namespaced && md.namespace !== old.metadata.namespace) {
    errors.push(invalidValue('metadata.namespace', md.namespace, 'field is immutable'));
  }
  errors.push(...checkStringMap('metadata.labels', md.labels, true));
  errors.push(...checkStringMap('metadata.annotations', md.annotations, false));
  if (errors.length > 0) throw invalid(t.kind, t.group, typeof md.name === 'string' ? md.name : '', errors);
}
