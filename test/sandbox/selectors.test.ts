// Label and field selector parsing and matching, including the 400s a real server answers.

import { describe, expect, it } from 'vitest';
import type { K8sObject } from '../../src/domain/k8s-object.ts';
import { compileFieldSelector, parseFieldSelector } from '../../src/sandbox/server/field-selector.ts';
import { matchesLabels, parseLabelSelector } from '../../src/sandbox/server/label-selector.ts';
import { ObjectStore } from '../../src/sandbox/server/store.ts';
import { ApiError } from '../../src/sandbox/server/status.ts';

const store = new ObjectStore();
const pods = store.resolve('pods');
const services = store.resolve('services');
const events = store.resolve('events');
const crdKinds = store.resolve('destinationrules.networking.istio.io');

function selects(selector: string, labels: Record<string, string>): boolean {
  return matchesLabels(parseLabelSelector(selector), labels);
}

function badRequestMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toMatchObject({ code: 400, reason: 'BadRequest' });
    return (err as ApiError).status.message ?? '';
  }
  throw new Error('expected a 400');
}

describe('label selectors', () => {
  const labels = { app: 'reviews', version: 'v1', tier: 'backend' };

  it.each([
    ['', true],
    ['app=reviews', true],
    ['app==reviews', true],
    ['app=ratings', false],
    ['app!=ratings', true],
    ['missing!=x', true],
    ['app in (ratings, reviews)', true],
    ['app in (ratings)', false],
    ['version notin (v2,v3)', true],
    ['missing notin (v2)', true],
    ['version notin (v1)', false],
    ['tier', true],
    ['missing', false],
    ['!missing', true],
    ['!tier', false],
    ['app=reviews,version=v1,!canary', true],
    ['app=reviews,version=v2', false],
    ['app in (reviews),version notin (v2),tier', true],
    ['app=', false],
  ])('%s selects %s', (selector, expected) => {
    expect(selects(selector, labels)).toBe(expected);
  });

  it('compares numbers with > and <', () => {
    expect(selects('replicas>2', { replicas: '3' })).toBe(true);
    expect(selects('replicas<2', { replicas: '3' })).toBe(false);
    expect(selects('replicas>2', { replicas: 'three' })).toBe(false);
  });

  it('accepts prefixed keys', () => {
    expect(selects('app.kubernetes.io/name=istiod', { 'app.kubernetes.io/name': 'istiod' })).toBe(true);
  });

  it.each(['app in (a', 'app in ()', 'app notin', 'app=,', '=x', 'app=a b', ',app', 'app==(', 'bad key!=x', 'app=not valid!'])(
    'rejects %j with a 400',
    (selector) => {
      expect(badRequestMessage(() => parseLabelSelector(selector))).toMatch(/unable to parse requirement/);
    },
  );
});

describe('field selectors', () => {
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p1', namespace: 'bookinfo' },
    spec: { nodeName: 'node-1' },
    status: { phase: 'Running' },
  } as K8sObject;
  const unscheduled = { ...pod, metadata: { name: 'p2', namespace: 'bookinfo' }, spec: {}, status: { phase: 'Pending' } } as K8sObject;

  function matches(t: typeof pods, selector: string, obj: K8sObject): boolean {
    return compileFieldSelector(t, parseFieldSelector(selector))(obj);
  }

  it('matches pod fields with =, == and !=', () => {
    expect(matches(pods, 'metadata.name=p1', pod)).toBe(true);
    expect(matches(pods, 'metadata.namespace==bookinfo,status.phase=Running', pod)).toBe(true);
    expect(matches(pods, 'status.phase!=Running', pod)).toBe(false);
    expect(matches(pods, 'spec.nodeName=node-1', pod)).toBe(true);
  });

  it('compares a missing field as empty', () => {
    expect(matches(pods, 'spec.nodeName=', unscheduled)).toBe(true);
    expect(matches(pods, 'spec.nodeName!=', pod)).toBe(true);
  });

  it('matches involvedObject fields of events', () => {
    const ev = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'e', namespace: 'bookinfo' },
      involvedObject: { kind: 'Pod', name: 'p1', namespace: 'bookinfo', uid: 'u-1', fieldPath: 'spec.containers{istio-proxy}' },
    } as K8sObject;
    expect(matches(events, 'involvedObject.kind=Pod,involvedObject.name=p1,involvedObject.uid=u-1', ev)).toBe(true);
    expect(matches(events, 'involvedObject.fieldPath=spec.containers{istio-proxy}', ev)).toBe(true);
    expect(matches(events, 'involvedObject.namespace=other', ev)).toBe(false);
  });

  it('unescapes values', () => {
    const named = { ...pod, metadata: { name: 'a,b=c', namespace: 'x' } } as K8sObject;
    expect(matches(pods, 'metadata.name=a\\,b\\=c', named)).toBe(true);
  });

  it('refuses fields the type does not support, like a real server', () => {
    expect(badRequestMessage(() => compileFieldSelector(services, parseFieldSelector('status.phase=Running')))).toBe(
      'field label not supported: status.phase',
    );
    expect(badRequestMessage(() => compileFieldSelector(crdKinds, parseFieldSelector('spec.host=reviews')))).toBe(
      'field label not supported: spec.host',
    );
  });

  it('refuses terms without an operator', () => {
    expect(badRequestMessage(() => parseFieldSelector('metadata.name'))).toBe(
      "invalid selector: 'metadata.name'; can't understand 'metadata.name'",
    );
  });
});
