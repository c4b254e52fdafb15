// The three patch engines: JSON merge patch, strategic merge patch (by Kubernetes merge keys,
// with directives) and JSON patch (RFC 6902, failed `test` -> 422).

import { describe, expect, it } from 'vitest';
import { applyJsonPatch } from '../../src/sandbox/server/patch/json-patch.ts';
import { applyMergePatch } from '../../src/sandbox/server/patch/merge-patch.ts';
import { applyStrategicMergePatch } from '../../src/sandbox/server/patch/strategic-merge.ts';
import { ApiError } from '../../src/sandbox/server/status.ts';

const deployment = () => ({
  metadata: { name: 'reviews', labels: { app: 'reviews' }, finalizers: ['a'] },
  spec: {
    template: {
      metadata: { labels: { app: 'reviews' } },
      spec: {
        containers: [
          {
            name: 'reviews',
            image: 'reviews:1',
            env: [
              { name: 'A', value: '1' },
              { name: 'B', value: '2' },
            ],
            ports: [{ containerPort: 9080, name: 'http' }],
            args: ['--x'],
          },
          { name: 'istio-proxy', image: 'proxyv2:1.22' },
        ],
        volumes: [{ name: 'data', emptyDir: {} }],
      },
    },
  },
  status: { conditions: [{ type: 'Available', status: 'True' }, { type: 'Progressing', status: 'True' }] },
});

function errorOf(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected an ApiError');
}

describe('merge patch (RFC 7386)', () => {
  it('merges maps, deletes nulls and replaces lists', () => {
    const out = applyMergePatch(deployment(), {
      metadata: { labels: { version: 'v1', app: null } },
      spec: { template: { spec: { volumes: [{ name: 'other' }] } } },
    }) as ReturnType<typeof deployment>;
    expect(out.metadata.labels).toEqual({ version: 'v1' });
    expect(out.spec.template.spec.volumes).toEqual([{ name: 'other' }]);
    expect(out.spec.template.spec.containers).toHaveLength(2);
  });

  it('does not modify its input', () => {
    const input = deployment();
    applyMergePatch(input, { metadata: { labels: { app: null } } });
    expect(input).toEqual(deployment());
  });
});

describe('strategic merge patch', () => {
  it('merges containers by name and env by name, appending new elements', () => {
    const out = applyStrategicMergePatch('Deployment', deployment(), {
      spec: {
        template: {
          spec: {
            containers: [{ name: 'reviews', env: [{ name: 'B', value: '20' }, { name: 'C', value: '3' }] }, { name: 'sidecar', image: 's:1' }],
          },
        },
      },
    }) as ReturnType<typeof deployment>;
    const [reviews, proxy, sidecar] = out.spec.template.spec.containers;
    expect(reviews?.image).toBe('reviews:1');
    expect(reviews?.env).toEqual([
      { name: 'A', value: '1' },
      { name: 'B', value: '20' },
      { name: 'C', value: '3' },
    ]);
    expect(proxy?.name).toBe('istio-proxy');
    expect(sidecar).toEqual({ name: 'sidecar', image: 's:1' });
  });

  it('merges container ports by containerPort and Service ports by port', () => {
    const pod = applyStrategicMergePatch('Deployment', deployment(), {
      spec: { template: { spec: { containers: [{ name: 'reviews', ports: [{ containerPort: 15090, name: 'prom' }] }] } } },
    }) as ReturnType<typeof deployment>;
    expect(pod.spec.template.spec.containers[0]?.ports).toEqual([
      { containerPort: 9080, name: 'http' },
      { containerPort: 15090, name: 'prom' },
    ]);
    const svc = applyStrategicMergePatch(
      'Service',
      { spec: { ports: [{ port: 80, name: 'http', targetPort: 8080 }] } },
      { spec: { ports: [{ port: 80, name: 'http-web' }, { port: 443, name: 'https' }] } },
    );
    expect(svc).toEqual({ spec: { ports: [{ port: 80, name: 'http-web', targetPort: 8080 }, { port: 443, name: 'https' }] } });
  });

  it('merges conditions by type', () => {
    const out = applyStrategicMergePatch('Deployment', deployment(), { status: { conditions: [{ type: 'Available', status: 'False' }] } });
    expect(out.status).toEqual({ conditions: [{ type: 'Available', status: 'False' }, { type: 'Progressing', status: 'True' }] });
  });

  it('replaces lists without a merge key and unions finalizers', () => {
    const out = applyStrategicMergePatch('Deployment', deployment(), {
      metadata: { finalizers: ['b', 'a'] },
      spec: { template: { spec: { containers: [{ name: 'reviews', args: ['--y'] }] } } },
    }) as ReturnType<typeof deployment>;
    expect(out.spec.template.spec.containers[0]?.args).toEqual(['--y']);
    expect(out.metadata.finalizers).toEqual(['a', 'b']);
  });

  it('honours $patch: delete and $patch: replace', () => {
    const deleted = applyStrategicMergePatch('Deployment', deployment(), {
      spec: { template: { spec: { containers: [{ name: 'istio-proxy', $patch: 'delete' }] } } },
    }) as ReturnType<typeof deployment>;
    expect(deleted.spec.template.spec.containers.map((c) => c.name)).toEqual(['reviews']);
    const replacedList = applyStrategicMergePatch('Deployment', deployment(), {
      spec: { template: { spec: { volumes: [{ $patch: 'replace' }, { name: 'only', emptyDir: {} }] } } },
    }) as ReturnType<typeof deployment>;
    expect(replacedList.spec.template.spec.volumes).toEqual([{ name: 'only', emptyDir: {} }]);
    const replacedMap = applyStrategicMergePatch('Deployment', deployment(), {
      metadata: { labels: { $patch: 'replace', fresh: 'yes' } },
    }) as ReturnType<typeof deployment>;
    expect(replacedMap.metadata.labels).toEqual({ fresh: 'yes' });
  });

  it('honours $setElementOrder, $deleteFromPrimitiveList and $retainKeys', () => {
    const out = applyStrategicMergePatch('Deployment', deployment(), {
      metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] },
      spec: {
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'istio-proxy' }, { name: 'reviews' }],
            containers: [{ name: 'reviews', image: 'reviews:2' }],
            volumes: [{ name: 'data', $retainKeys: ['name', 'hostPath'], hostPath: { path: '/x' } }],
          },
        },
      },
    }) as ReturnType<typeof deployment>;
    expect(out.metadata.finalizers).toEqual([]);
    expect(out.spec.template.spec.containers.map((c) => c.name)).toEqual(['istio-proxy', 'reviews']);
    expect(out.spec.template.spec.containers[1]?.image).toBe('reviews:2');
    expect(out.spec.template.spec.volumes).toEqual([{ name: 'data', hostPath: { path: '/x' } }]);
  });
});

describe('json patch (RFC 6902)', () => {
  const doc = () => ({ metadata: { labels: { app: 'reviews' } }, list: ['a', 'b'], 'we/ird': { 'ti~lde': 1 } });

  it('adds, removes, replaces, moves and copies', () => {
    const out = applyJsonPatch(doc(), [
      { op: 'add', path: '/metadata/labels/version', value: 'v1' },
      { op: 'add', path: '/list/1', value: 'x' },
      { op: 'add', path: '/list/-', value: 'z' },
      { op: 'remove', path: '/list/0' },
      { op: 'replace', path: '/metadata/labels/app', value: 'ratings' },
      { op: 'copy', from: '/metadata/labels', path: '/copied' },
      { op: 'move', from: '/we~1ird/ti~0lde', path: '/moved' },
      { op: 'test', path: '/moved', value: 1 },
    ]);
    expect(out).toEqual({
      metadata: { labels: { app: 'ratings', version: 'v1' } },
      list: ['x', 'b', 'z'],
      'we/ird': {},
      copied: { app: 'ratings', version: 'v1' },
      moved: 1,
    });
  });

  it('answers 422 when a test fails or a path is missing, leaving the input intact', () => {
    const input = doc();
    const failedTest = errorOf(() => applyJsonPatch(input, [{ op: 'test', path: '/metadata/labels/app', value: 'x' }]));
    expect(failedTest.code).toBe(422);
    expect(failedTest.message).toContain('testing value /metadata/labels/app failed');
    expect(errorOf(() => applyJsonPatch(input, [{ op: 'replace', path: '/nope', value: 1 }])).code).toBe(422);
    expect(errorOf(() => applyJsonPatch(input, [{ op: 'remove', path: '/list/5' }])).code).toBe(422);
    expect(errorOf(() => applyJsonPatch(input, [{ op: 'add', path: '/a/b', value: 1 }])).code).toBe(422);
    expect(input).toEqual(doc());
  });

  it('answers 400 for a malformed patch document', () => {
    expect(errorOf(() => applyJsonPatch(doc(), { op: 'add' })).code).toBe(400);
    expect(errorOf(() => applyJsonPatch(doc(), [{ op: 'frobnicate', path: '/x' }])).code).toBe(400);
    expect(errorOf(() => applyJsonPatch(doc(), [{ op: 'add', path: '/x' }])).code).toBe(400);
  });
});
