// The RBAC derivation, the evaluator and `mesh-medic rbac`, on small inputs whose answers are known.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Check } from '../../src/checks/types.ts';
import { rbacCommand } from '../../src/cli/rbac-command.ts';
import type { K8sObject } from '../../src/domain/k8s-object.ts';
import { grantsFor, isAllowed, nonResourceAllowed, SYSTEM_DISCOVERY_RULES } from '../../src/rbac/evaluate.ts';
import { rbacFiles, renderRbacPart } from '../../src/rbac/files.ts';
import { rbacManifests } from '../../src/rbac/manifests.ts';
import { kindsReadBy, readRules } from '../../src/rbac/read-rules.ts';
import { remediationRules } from '../../src/rbac/remediation-rules.ts';
import type { PermissionHolder } from '../../src/rbac/types.ts';
import { captureIo } from '../cli/helpers.ts';
import { parseYamlStream } from './helpers.ts';

function check(id: string, fields: Partial<Check>): Check {
  return {
    id,
    title: id,
    description: id,
    severity: 'low',
    playbook: id,
    sources: [],
    reads: [],
    run: () => [],
    ...fields,
  };
}

const SA = { namespace: 'ops', name: 'medic' };

describe('readRules', () => {
  it('grants get/list on what checks and their peers read, pods/log for log readers, secrets only in istio-system', () => {
    const checks = [
      check('a', { reads: ['deployments.apps', 'secrets'], readsLogs: true }),
      check('b', { reads: ['services'], peerReads: ['endpointslices.discovery.k8s.io'] }),
    ];
    expect(kindsReadBy(checks)).toEqual(['deployments.apps', 'endpointslices.discovery.k8s.io', 'pods', 'secrets', 'services']);
    expect(readRules(checks)).toEqual([
      {
        kind: 'ClusterRole',
        name: 'mesh-medic-read',
        rules: [
          { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
          { apiGroups: [''], resources: ['pods', 'services'], verbs: ['get', 'list'] },
          { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'list'] },
          { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list'] },
        ],
      },
      { kind: 'Role', name: 'mesh-medic-read', namespace: 'istio-system', rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list'] }] },
    ]);
  });

  it('grants no log access when no check reads logs', () => {
    const rules = readRules([check('a', { reads: ['pods'] })]).flatMap((r) => r.rules);
    expect(rules.flatMap((r) => r.resources)).toEqual(['pods']);
  });
});

describe('remediationRules', () => {
  const holder = (permissions: PermissionHolder['permissions']): PermissionHolder[] => [{ id: 'fix', permissions }];

  it('merges declared verbs per resource; declared namespaces and the read plan’s secret scope become Roles', () => {
    const roles = remediationRules([
      { id: 'one', permissions: [{ apiGroup: 'apps', resource: 'deployments', verbs: ['patch'] }] },
      {
        id: 'two',
        permissions: [
          { apiGroup: 'apps', resource: 'deployments', verbs: ['get', 'patch'] },
          { apiGroup: '', resource: 'secrets', verbs: ['patch'] },
          { apiGroup: '', resource: 'endpoints', verbs: ['patch'], namespaces: ['istio-system'] },
        ],
      },
    ]);
    expect(roles).toEqual([
      { kind: 'ClusterRole', name: 'mesh-medic-remediate', rules: [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'patch'] }] },
      {
        kind: 'Role',
        name: 'mesh-medic-remediate',
        namespace: 'istio-system',
        rules: [{ apiGroups: [''], resources: ['endpoints', 'secrets'], verbs: ['patch'] }],
      },
    ]);
  });

  it('leaves out of a namespace Role what the ClusterRole already grants everywhere', () => {
    const roles = remediationRules([
      { id: 'wide', permissions: [{ apiGroup: 'apps', resource: 'deployments', verbs: ['get', 'list'] }] },
      { id: 'narrow', permissions: [{ apiGroup: 'apps', resource: 'deployments', verbs: ['list', 'patch'], namespaces: ['istio-system'] }] },
    ]);
    expect(roles.find((r) => r.kind === 'Role')?.rules).toEqual([{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['patch'] }]);
    const covered = remediationRules([
      { id: 'wide', permissions: [{ apiGroup: 'apps', resource: 'deployments', verbs: ['list'] }] },
      { id: 'narrow', permissions: [{ apiGroup: 'apps', resource: 'deployments', verbs: ['list'], namespaces: ['istio-system'] }] },
    ]);
    expect(covered.map((r) => r.kind)).toEqual(['ClusterRole']);
  });

  it('refuses a resource mesh-medic does not know and verbs beyond reading and patching', () => {
    expect(() => remediationRules(holder([{ apiGroup: 'apps', resource: 'deploymets', verbs: ['patch'] }]))).toThrow(
      /remediation fix: permission names deploymets in API group 'apps'/,
    );
    for (const verb of ['delete', 'create', 'update', '*', 'escalate']) {
      expect(() => remediationRules(holder([{ apiGroup: '', resource: 'namespaces', verbs: [verb] }]))).toThrow(/may only read \(get, list, watch\) and patch/);
    }
  });
});

describe('the RBAC evaluator', () => {
  const objects: K8sObject[] = [
    ...rbacManifests([{ kind: 'ClusterRole', name: 'wide', rules: [{ apiGroups: [''], resources: ['*/log', 'nodes'], verbs: ['get'] }] }], SA),
    ...rbacManifests(
      [{ kind: 'Role', name: 'narrow', namespace: 'team', rules: [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['patch'], resourceNames: ['web'] }] }],
      SA,
    ),
    // A ClusterRole bound by a RoleBinding applies only in the binding's namespace.
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'cm' }, rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['list'] }] },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'cm', namespace: 'team' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cm' },
      subjects: [{ kind: 'ServiceAccount', name: 'medic', namespace: 'ops' }],
    },
  ];
  const grants = grantsFor(objects, SA);

  it('applies ClusterRoleBindings everywhere and RoleBindings only in their namespace', () => {
    expect(isAllowed(grants, { verb: 'get', group: '', resource: 'nodes', name: 'n1' })).toBe(true);
    expect(isAllowed(grants, { verb: 'list', group: '', resource: 'configmaps', namespace: 'team' })).toBe(true);
    expect(isAllowed(grants, { verb: 'list', group: '', resource: 'configmaps', namespace: 'other' })).toBe(false);
    expect(isAllowed(grants, { verb: 'list', group: '', resource: 'configmaps' })).toBe(false);
  });

  it('matches subresources, resourceNames, verbs and groups exactly', () => {
    expect(isAllowed(grants, { verb: 'get', group: '', resource: 'pods', subresource: 'log', namespace: 'x', name: 'p' })).toBe(true);
    expect(isAllowed(grants, { verb: 'get', group: '', resource: 'pods', namespace: 'x', name: 'p' })).toBe(false);
    expect(isAllowed(grants, { verb: 'patch', group: 'apps', resource: 'deployments', namespace: 'team', name: 'web' })).toBe(true);
    expect(isAllowed(grants, { verb: 'patch', group: 'apps', resource: 'deployments', namespace: 'team', name: 'db' })).toBe(false);
    expect(isAllowed(grants, { verb: 'patch', group: 'extensions', resource: 'deployments', namespace: 'team', name: 'web' })).toBe(false);
    expect(isAllowed(grants, { verb: 'list', group: 'apps', resource: 'deployments', namespace: 'team' })).toBe(false);
  });

  it('grants nothing to another service account', () => {
    expect(grantsFor(objects, { namespace: 'other', name: 'medic' })).toEqual([]);
  });

  it('lets every authenticated user read discovery, and only discovery', () => {
    expect(nonResourceAllowed(SYSTEM_DISCOVERY_RULES, 'get', '/apis/apps/v1')).toBe(true);
    expect(nonResourceAllowed(SYSTEM_DISCOVERY_RULES, 'get', '/version')).toBe(true);
    expect(nonResourceAllowed(SYSTEM_DISCOVERY_RULES, 'get', '/metrics')).toBe(false);
    expect(nonResourceAllowed(SYSTEM_DISCOVERY_RULES, 'post', '/api')).toBe(false);
  });
});

describe('mesh-medic rbac', () => {
  it('prints the read roles with bindings for the in-cluster service account', async () => {
    const io = captureIo();
    expect(await rbacCommand([], io)).toBe(0);
    expect(io.out()).toBe(renderRbacPart('read'));
    const kinds = parseYamlStream(io.out()).map((o) => `${o.kind} ${o.metadata.namespace ?? '-'} ${o.metadata.name}`);
    expect(kinds).toEqual([
      'ClusterRole - mesh-medic-read',
      'ClusterRoleBinding - mesh-medic-read',
      'Role istio-system mesh-medic-read',
      'RoleBinding istio-system mesh-medic-read',
    ]);
  });

  it('binds --remediation roles to the service account a remote cluster’s kubeconfig uses', async () => {
    const io = captureIo();
    expect(await rbacCommand(['--remediation', '--service-account', 'ops/medic'], io)).toBe(0);
    const objects = parseYamlStream(io.out());
    expect(objects.filter((o) => o.kind === 'ClusterRole').map((o) => o.metadata.name)).toEqual(['mesh-medic-remediate']);
    for (const b of objects.filter((o) => o.kind.endsWith('Binding'))) {
      expect(b.subjects).toEqual([{ kind: 'ServiceAccount', name: 'medic', namespace: 'ops' }]);
    }
    expect(io.out()).toContain('Bound to service account ops/medic');
  });

  it('rejects a malformed service account and flags that do not go together', async () => {
    await expect(rbacCommand(['--service-account', 'medic'], captureIo())).rejects.toMatchObject({ code: 'USAGE' });
    await expect(rbacCommand(['--service-account', 'Ops/Medic'], captureIo())).rejects.toMatchObject({ code: 'USAGE' });
    await expect(rbacCommand(['--write', '--remediation'], captureIo())).rejects.toMatchObject({ code: 'USAGE' });
    await expect(rbacCommand(['--dir', 'x'], captureIo())).rejects.toMatchObject({ code: 'USAGE' });
  });

  it('--write regenerates both files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mesh-medic-rbac-'));
    try {
      const io = captureIo({ cwd: dir });
      expect(await rbacCommand(['--write', '--dir', '.'], io)).toBe(0);
      for (const { file, content } of rbacFiles()) {
        expect(readFileSync(join(dir, file), 'utf8')).toBe(content);
        expect(io.out()).toContain(join(dir, file));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
