import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findCluster, loadRegistry, resolveRegistryPath } from '../../src/config/registry.ts';
import type { Registry } from '../../src/domain/cluster.ts';
import { MeshMedicError } from '../../src/domain/errors.ts';

let dir: string;

function kubeconfig(contexts: string[], current = contexts[0]): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '  - name: c',
    '    cluster: { server: "https://127.0.0.1:6443" }',
    'users:',
    '  - name: u',
    '    user: { token: not-a-real-token }',
    'contexts:',
    ...contexts.map((c) => `  - name: ${c}\n    context: { cluster: c, user: u }`),
    current ? `current-context: ${current}` : '',
  ].join('\n');
}

function write(name: string, text: string): string {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

/** Loads the registry and returns the error it throws (the test fails if it does not throw). */
function problemsOf(yaml: string): MeshMedicError {
  const path = write('clusters.yaml', yaml);
  try {
    loadRegistry(path);
  } catch (err) {
    expect(err).toBeInstanceOf(MeshMedicError);
    return err as MeshMedicError;
  }
  throw new Error('expected loadRegistry to throw');
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'registry-test-'));
  write('kubeconfigs/cp-1.yaml', kubeconfig(['cp-1']));
  write('kubeconfigs/prod-east.yaml', kubeconfig(['admin', 'prod-east']));
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

const VALID = `
meshes:
  - id: prod
clusters:
  - name: cp-1
    kubeconfig: kubeconfigs/cp-1.yaml
    mesh: prod
    role: control-plane
  - name: prod-east
    kubeconfig: kubeconfigs/prod-east.yaml
    context: prod-east
    mesh: prod
    network: net-east
    role: remote
    controlPlane: cp-1
    production: true
    channel: "#mesh-prod"
    approvers: [U123ABC, S123ABC]
`;

describe('loadRegistry', () => {
  it('loads a valid file, resolving kubeconfig paths against the file and defaulting production', () => {
    const registry = loadRegistry(write('clusters.yaml', VALID));
    expect(registry.path).toBe(join(dir, 'clusters.yaml'));
    expect(registry.meshes).toEqual([{ id: 'prod' }]);
    expect(registry.clusters).toEqual([
      { name: 'cp-1', kubeconfig: join(dir, 'kubeconfigs/cp-1.yaml'), mesh: 'prod', role: 'control-plane', production: false },
      {
        name: 'prod-east',
        kubeconfig: join(dir, 'kubeconfigs/prod-east.yaml'),
        context: 'prod-east',
        mesh: 'prod',
        network: 'net-east',
        role: 'remote',
        controlPlane: 'cp-1',
        production: true,
        channel: '#mesh-prod',
        approvers: ['U123ABC', 'S123ABC'],
      },
    ]);
  });

  it('resolves relative kubeconfig paths against the registry file, not the working directory', () => {
    write('sub/kc/a.yaml', kubeconfig(['a']));
    const path = write(
      'sub/clusters.yaml',
      'meshes: [{ id: m }]\nclusters:\n  - { name: a, kubeconfig: kc/a.yaml, mesh: m, role: primary }\n',
    );
    expect(loadRegistry(path).clusters[0]?.kubeconfig).toBe(join(dir, 'sub/kc/a.yaml'));
  });

  it('accepts a remote cluster that names itself as control plane (co-located)', () => {
    write('kubeconfigs/solo.yaml', kubeconfig(['solo']));
    const registry = loadRegistry(
      write(
        'clusters.yaml',
        'meshes: [{ id: m }]\nclusters:\n  - { name: solo, kubeconfig: kubeconfigs/solo.yaml, mesh: m, role: remote, controlPlane: solo }\n',
      ),
    );
    expect(registry.clusters[0]?.controlPlane).toBe('solo');
  });

  it('starts the message with the file path and uses code REGISTRY_INVALID', () => {
    const err = problemsOf(VALID.replace('name: cp-1', 'name: CP_1'));
    expect(err.code).toBe('REGISTRY_INVALID');
    expect(err.message.startsWith(`${join(dir, 'clusters.yaml')}: `)).toBe(true);
  });

  it.each([
    [
      'bad name',
      VALID.replace('name: prod-east', 'name: Prod_East'),
      'clusters[1].name: must match ^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$',
    ],
    [
      'missing kubeconfig file',
      VALID.replace('kubeconfigs/prod-east.yaml', 'kubeconfigs/nope.yaml'),
      `clusters[1].kubeconfig: file not found (${join('/', 'KCDIR', 'kubeconfigs/nope.yaml')})`,
    ],
    ['unknown key', VALID.replace('production: true', 'production: true\n    prodcution: true'), 'clusters[1].prodcution: unknown key'],
    ['unknown top-level key', `${VALID}\nextra: 1\n`, 'extra: unknown key'],
    ['undeclared mesh', VALID.replace('mesh: prod\n    network', 'mesh: staging\n    network'), "clusters[1].mesh: 'staging' is not declared in meshes (declared: prod)"],
    [
      'remote without controlPlane',
      VALID.replace('    controlPlane: cp-1\n', ''),
      'clusters[1].controlPlane: required for role remote',
    ],
    [
      'controlPlane on a non-remote',
      VALID.replace('role: control-plane', 'role: control-plane\n    controlPlane: prod-east'),
      'clusters[0].controlPlane: only allowed for role remote (this cluster is control-plane)',
    ],
    ['controlPlane naming nobody', VALID.replace('controlPlane: cp-1', 'controlPlane: cp-2'), "clusters[1].controlPlane: no cluster named 'cp-2'"],
    ['context not in kubeconfig', VALID.replace('context: prod-east', 'context: prod-west'), "clusters[1].context: 'prod-west' not found in"],
    ['bad role', VALID.replace('role: control-plane', 'role: hub'), 'clusters[0].role: must be one of primary, remote, control-plane'],
    ['missing role', VALID.replace('    role: control-plane\n', ''), 'clusters[0].role: required'],
    ['bad approver', VALID.replace('U123ABC', 'alice'), 'clusters[1].approvers[0]: must be a Slack user or user-group ID'],
    ['production not boolean', VALID.replace('production: true', 'production: "yes"'), 'clusters[1].production: must be a boolean'],
    ['duplicate names', VALID.replace('name: prod-east', 'name: cp-1'), "clusters[1].name: duplicate 'cp-1' (also clusters[0])"],
  ])('reports %s with its path', (_label, yaml, expected) => {
    const err = problemsOf(yaml);
    expect(err.message.replaceAll(dir, '/KCDIR')).toContain(expected);
  });

  it('accepts a Slack channel ID, or a channel name with or without #, as a cluster\'s channel', () => {
    for (const channel of ['C0123ABC45', 'G0PRIVATE1', '"#mesh-prod"', 'mesh_prod-2', `"#${'a'.repeat(80)}"`]) {
      const registry = loadRegistry(write('clusters.yaml', VALID.replace('"#mesh-prod"', channel)));
      expect(registry.clusters[1]?.channel).toBe(channel.replaceAll('"', ''));
    }
  });

  it.each([
    ['capitals', '"#Mesh-Prod"', 'a channel name is lowercase; an ID is C, G or D and then only capitals and digits'],
    ['a space', '"#mesh prod"', 'a channel name has only lowercase letters, digits, - and _'],
    ['a dot', 'mesh.prod', 'a channel name has only lowercase letters, digits, - and _'],
    ['81 characters', `"#${'a'.repeat(81)}"`, 'a channel name has at most 80 characters'],
    ['only #', '"#"', 'the name is empty'],
    ['a user ID', 'U0123ABC', 'that is a user, user-group or bot ID, not a channel'],
  ])('refuses a channel with %s, saying what a channel must look like', (_label, channel, why) => {
    const err = problemsOf(VALID.replace('"#mesh-prod"', channel));
    expect(err.message).toContain(`clusters[1].channel: must be a Slack channel ID like C0123456789 or a channel name like #mesh-prod (${why})`);
  });

  it('reports a controlPlane of another mesh', () => {
    const yaml = VALID.replace('meshes:\n  - id: prod', 'meshes:\n  - id: prod\n  - id: other').replace(
      'mesh: prod\n    role: control-plane',
      'mesh: other\n    role: control-plane',
    );
    expect(problemsOf(yaml).message).toContain("clusters[1].controlPlane: 'cp-1' belongs to mesh 'other', not 'prod'");
  });

  it('reports every problem at once, in one error', () => {
    const yaml = VALID.replace('name: cp-1', 'name: CP')
      .replace('kubeconfigs/prod-east.yaml', 'missing.yaml')
      .replace('U123ABC', 'nobody')
      .replace('    controlPlane: cp-1\n', '');
    const { message } = problemsOf(yaml);
    expect(message).toContain('4 problems');
    expect(message).toContain('clusters[0].name: must match');
    expect(message).toContain('clusters[1].kubeconfig: file not found');
    expect(message).toContain('clusters[1].approvers[0]: must be a Slack user');
    expect(message).toContain('clusters[1].controlPlane: required for role remote');
  });

  it('reports a kubeconfig without current-context when no context is given', () => {
    write('kubeconfigs/cp-1.yaml', kubeconfig(['cp-1'], ''));
    expect(problemsOf(VALID).message).toContain('clusters[0].kubeconfig: ');
    expect(problemsOf(VALID).message).toContain('has no current-context; set context');
  });

  it('reports a registry file that does not exist, naming how to point at one', () => {
    expect(() => loadRegistry(join(dir, 'nope.yaml'))).toThrow(/nope\.yaml: 1 problem\n {2}- file not found \(pass --clusters FILE or set MESH_MEDIC_CLUSTERS\)/);
  });

  it('reports YAML syntax errors', () => {
    expect(problemsOf('meshes: [\n').message).toContain('not valid YAML');
  });
});

describe('resolveRegistryPath', () => {
  it('prefers the flag, then the environment, then ./clusters.yaml, resolved against cwd', () => {
    expect(resolveRegistryPath({ flag: 'a.yaml', env: '/etc/b.yaml', cwd: '/work' })).toBe('/work/a.yaml');
    expect(resolveRegistryPath({ env: '/etc/b.yaml', cwd: '/work' })).toBe('/etc/b.yaml');
    expect(resolveRegistryPath({ cwd: '/work' })).toBe('/work/clusters.yaml');
  });
});

describe('findCluster', () => {
  const registry: Registry = {
    path: '/x/clusters.yaml',
    meshes: [{ id: 'prod' }],
    clusters: ['cp-1', 'prod-east', 'prod-west'].map((name) => ({
      name,
      kubeconfig: `/x/${name}.yaml`,
      mesh: 'prod',
      role: 'primary' as const,
      production: false,
    })),
  };

  it('finds a registered cluster', () => {
    expect(findCluster(registry, 'prod-west').name).toBe('prod-west');
  });

  it('names the known clusters and the closest name for a typo', () => {
    expect(() => findCluster(registry, 'prod-est')).toThrow(
      "unknown cluster 'prod-est'. Known clusters: cp-1, prod-east, prod-west. Did you mean 'prod-east'?",
    );
    try {
      findCluster(registry, 'prod-est');
    } catch (err) {
      expect((err as MeshMedicError).code).toBe('UNKNOWN_CLUSTER');
    }
  });

  it('suggests nothing for a name unlike any registered one', () => {
    expect(() => findCluster(registry, 'staging-frankfurt')).toThrow(
      /^unknown cluster 'staging-frankfurt'\. Known clusters: cp-1, prod-east, prod-west\.$/,
    );
  });
});
