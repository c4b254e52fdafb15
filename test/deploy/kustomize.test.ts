// deploy/kubernetes renders with the real `kubectl kustomize`, holds what an operator needs, runs
// locked down, and its RBAC is exactly what the code derives: never more.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRegistry } from '../../src/config/registry.ts';
import type { K8sObject } from '../../src/domain/k8s-object.ts';
import { grantsFor, isAllowed } from '../../src/rbac/evaluate.ts';
import { RBAC_DIR, rbacFiles } from '../../src/rbac/files.ts';
import { readRules } from '../../src/rbac/read-rules.ts';
import { remediationRules } from '../../src/rbac/remediation-rules.ts';
import { IN_CLUSTER_SERVICE_ACCOUNT, type PolicyRule } from '../../src/rbac/types.ts';
import { kustomize, meshMedicCommand, ROOT } from './helpers.ts';

let objects: K8sObject[];

function one(kind: string, name: string, namespace?: string): K8sObject {
  const found = objects.filter((o) => o.kind === kind && o.metadata.name === name && o.metadata.namespace === namespace);
  expect(found, `${kind} ${namespace ?? ''}/${name}`).toHaveLength(1);
  return found[0]!;
}

// biome-ignore lint/suspicious/noExplicitAny: manifests are checked field by field below
type Any = any;

function container(deployment: K8sObject): Any {
  return deployment.spec.template.spec.containers[0];
}

const RBAC_KINDS = ['ClusterRole', 'Role'];

beforeAll(() => {
  objects = kustomize('deploy/kubernetes');
});

describe('kubectl kustomize deploy/kubernetes', () => {
  it('renders the namespace, service account, bot and worker Deployments, Service, config and RBAC', () => {
    const kinds = objects.map((o) => `${o.kind}/${o.metadata.name}`).sort();
    expect(kinds).toEqual(
      expect.arrayContaining([
        'Namespace/mesh-medic',
        'ServiceAccount/mesh-medic',
        'Deployment/mesh-medic-bot',
        'Deployment/mesh-medic-worker',
        'Service/mesh-medic',
        'ClusterRole/mesh-medic-read',
        'ClusterRoleBinding/mesh-medic-read',
        'Role/mesh-medic-read',
        'RoleBinding/mesh-medic-read',
        'ClusterRole/mesh-medic-remediate',
        'ClusterRoleBinding/mesh-medic-remediate',
      ]),
    );
    const configMaps = objects.filter((o) => o.kind === 'ConfigMap').map((o) => o.metadata.name);
    expect(configMaps.some((n) => n.startsWith('mesh-medic-config-'))).toBe(true);
    expect(configMaps.some((n) => n.startsWith('mesh-medic-env-'))).toBe(true);
    // No credentials are committed: secrets are created out of band.
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
  });

  it('runs the bot with health probes and the worker with two replicas, from one image', () => {
    const bot = one('Deployment', 'mesh-medic-bot', 'mesh-medic');
    const worker = one('Deployment', 'mesh-medic-worker', 'mesh-medic');
    const b = container(bot);
    expect(b.livenessProbe.httpGet.path).toBe('/healthz');
    expect(b.readinessProbe.httpGet.path).toBe('/readyz');
    expect(b.ports).toEqual([expect.objectContaining({ name: 'http', containerPort: 3000 })]);
    expect(worker.spec.replicas).toBe(2);
    expect(meshMedicCommand([...b.command, ...b.args])).toBe('bot');
    expect(meshMedicCommand([...container(worker).command, ...container(worker).args])).toBe('worker');
    expect(container(worker).image).toBe(b.image);
    expect(b.image).toMatch(/^[^:]+\/mesh-medic:[\w.-]+$/);
    const service = one('Service', 'mesh-medic', 'mesh-medic');
    // The Service reaches bot pods only (workers serve no HTTP).
    const selects = (labels: Record<string, string>) => Object.entries(service.spec.selector).every(([k, v]) => labels[k] === v);
    expect(selects(bot.spec.template.metadata.labels)).toBe(true);
    expect(selects(worker.spec.template.metadata.labels)).toBe(false);
    expect(service.spec.ports[0].targetPort).toBe('http');
  });

  it('locks both containers down: non-root, read-only root, no privilege escalation, no capabilities, resources set', () => {
    for (const name of ['mesh-medic-bot', 'mesh-medic-worker']) {
      const d = one('Deployment', name, 'mesh-medic');
      const pod = d.spec.template.spec;
      const c = container(d);
      expect(pod.serviceAccountName, name).toBe(IN_CLUSTER_SERVICE_ACCOUNT.name);
      expect(pod.securityContext.runAsNonRoot, name).toBe(true);
      expect(pod.securityContext.runAsUser, name).toBeGreaterThan(0);
      expect(c.securityContext, name).toEqual({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      });
      expect(c.resources.requests.cpu, name).toBeDefined();
      expect(c.resources.requests.memory, name).toBeDefined();
      expect(c.resources.limits.memory, name).toBeDefined();
      // A read-only root needs a writable /tmp (tsx's compile cache).
      const tmp = c.volumeMounts.find((m: Any) => m.mountPath === '/tmp');
      expect(pod.volumes.find((v: Any) => v.name === tmp?.name)?.emptyDir, name).toBeDefined();
    }
  });

  it('mounts a registry that loads, whose in-cluster kubeconfig holds no credentials', () => {
    const config = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('mesh-medic-config-'))!;
    const env = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('mesh-medic-env-'))!;
    const bot = container(one('Deployment', 'mesh-medic-bot', 'mesh-medic'));
    const mount = bot.volumeMounts.find((m: Any) => m.name === 'config').mountPath;
    expect(`${mount}/clusters.yaml`).toBe((env.data as Any).MESH_MEDIC_CLUSTERS);
    const registry = loadRegistry(join(ROOT, 'deploy/kubernetes/config/clusters.yaml'));
    expect(registry.clusters.map((c) => c.name)).toEqual(['local']);
    const kubeconfig = (config.data as Any)['in-cluster.kubeconfig.yaml'] as string;
    expect(kubeconfig).toContain('/var/run/secrets/kubernetes.io/serviceaccount/token');
    expect(kubeconfig).not.toMatch(/^\s*(token|client-key-data|password):/m);
  });
});

describe('RBAC in deploy/kubernetes', () => {
  it('commits exactly what the code derives (regenerate with `mesh-medic rbac --write`)', () => {
    for (const { file, content } of rbacFiles()) {
      expect(readFileSync(join(RBAC_DIR, file), 'utf8'), `deploy/kubernetes/rbac/${file} is stale: run mesh-medic rbac --write`).toBe(
        content,
      );
    }
  });

  it('renders the derived roles unchanged (kustomize keeps the secrets Role in istio-system)', () => {
    for (const role of [...readRules(), ...remediationRules()]) {
      const rendered = one(role.kind, role.name, role.namespace);
      expect(rendered.rules, `${role.kind} ${role.name}`).toEqual(role.rules);
    }
    const roles = objects.filter((o) => RBAC_KINDS.includes(o.kind));
    expect(roles).toHaveLength(readRules().length + remediationRules().length);
  });

  it('grants nothing broader: no wildcards, no secrets cluster-wide, no create/delete/update/escalate/bind/impersonate', () => {
    const roles = objects.filter((o) => RBAC_KINDS.includes(o.kind));
    expect(roles.length).toBeGreaterThan(0);
    for (const role of roles) {
      const where = `${role.kind} ${role.metadata.namespace ?? ''}/${role.metadata.name}`;
      for (const rule of role.rules as PolicyRule[]) {
        for (const list of [rule.verbs, rule.resources ?? [], rule.apiGroups ?? []]) expect(list, where).not.toContain('*');
        expect(rule.nonResourceURLs, where).toBeUndefined();
        for (const verb of ['create', 'delete', 'deletecollection', 'update', 'escalate', 'bind', 'impersonate']) {
          expect(rule.verbs, where).not.toContain(verb);
        }
        if (role.kind === 'ClusterRole') expect(rule.resources, where).not.toContain('secrets');
      }
    }
  });

  it('lets the service account read secrets in istio-system and nowhere else', () => {
    const grants = grantsFor(objects, IN_CLUSTER_SERVICE_ACCOUNT);
    expect(isAllowed(grants, { verb: 'list', group: '', resource: 'secrets', namespace: 'istio-system' })).toBe(true);
    expect(isAllowed(grants, { verb: 'list', group: '', resource: 'secrets', namespace: 'default' })).toBe(false);
    expect(isAllowed(grants, { verb: 'list', group: '', resource: 'secrets' })).toBe(false);
    expect(isAllowed(grants, { verb: 'get', group: '', resource: 'pods', subresource: 'log', namespace: 'istio-system', name: 'x' })).toBe(true);
    expect(isAllowed(grants, { verb: 'get', group: '', resource: 'pods', subresource: 'exec', namespace: 'default', name: 'x' })).toBe(false);
    expect(isAllowed(grants, { verb: 'delete', group: 'apps', resource: 'deployments', namespace: 'default', name: 'x' })).toBe(false);
  });
});

describe('optional Redis (deploy/kubernetes/redis)', () => {
  it('renders a one-replica StatefulSet with append-only persistence and its Service', () => {
    const redis = kustomize('deploy/kubernetes/redis');
    const sts = redis.find((o) => o.kind === 'StatefulSet')!;
    expect(sts.spec.replicas).toBe(1);
    expect(sts.spec.template.spec.containers[0].args).toEqual(expect.arrayContaining(['--appendonly', 'yes']));
    expect(sts.spec.volumeClaimTemplates[0].metadata.name).toBe('data');
    expect(redis.find((o) => o.kind === 'Service')?.metadata.name).toBe('redis');
  });
});
