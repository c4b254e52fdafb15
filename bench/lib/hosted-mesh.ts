// A large hosted mesh for benchmark 3: one control-plane cluster and N-1 remote clusters, built
// from the healthy-hosted scenario's bases (the scenario loader fills each cluster's name, mesh
// and control plane into them), the control plane holding a remote secret for every remote, and
// `generateApps` workloads on every cluster (its own pod CIDR, the cluster's own root cert).

import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { ScenarioSpec } from '../../src/sandbox/cluster-spec.ts';
import { generateApps } from '../../src/sandbox/generator.ts';
import { loadScenario, SCENARIOS_DIR } from '../../src/sandbox/scenarios.ts';
import { baseRootCert } from './mesh.ts';

export const HOSTED_MESH_ID = 'bench-mesh';
const SCENARIO = 'bench-hosted-mesh';
const CONTROL_PLANE = 'mesh-cp';
const CP_BASES = ['hosted-cp-platform', 'hosted-cp-metallb', 'istio-1.16-crds', 'hosted-cp-istio'];
const REMOTE_BASES = ['hosted-east-platform', 'hosted-east-metallb', 'istio-1.16-crds', 'hosted-east-istio'];
/** The control plane's istiod log of the healthy-hosted scenario (remote clusters added). */
const CP_LOGS = join(SCENARIOS_DIR, 'healthy-hosted', 'mesh-cp', 'logs');

export function remoteName(i: number): string {
  return `remote-${String(i).padStart(2, '0')}`;
}

function remoteSecret(cluster: string): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'Opaque',
    metadata: {
      name: `istio-remote-secret-${cluster}`,
      namespace: 'istio-system',
      labels: { 'istio/multiCluster': 'true' },
      annotations: { 'networking.istio.io/cluster': cluster },
    },
    stringData: { [cluster]: `{{kubeconfig:${cluster}}}` },
  };
}

/** Writes the scenario (bases linked, not copied) into a temporary root and loads it. */
function hostedScenario(clusters: number): ScenarioSpec {
  const root = mkdtempSync(join(tmpdir(), 'mesh-medic-bench-scenario-'));
  try {
    symlinkSync(join(SCENARIOS_DIR, '_bases'), join(root, '_bases'), 'dir');
    const dir = join(root, SCENARIO);
    const remotes = Array.from({ length: clusters - 1 }, (_, i) => remoteName(i + 1));
    mkdirSync(join(dir, CONTROL_PLANE), { recursive: true });
    cpSync(CP_LOGS, join(dir, CONTROL_PLANE, 'logs'), { recursive: true });
    writeFileSync(join(dir, CONTROL_PLANE, 'remote-secrets.yaml'), remotes.map((r) => `---\n${stringify(remoteSecret(r))}`).join(''));
    for (const r of remotes) {
      mkdirSync(join(dir, r));
      writeFileSync(join(dir, r, '.gitkeep'), '');
    }
    const scenario = {
      name: SCENARIO,
      description: `Benchmark: a hosted mesh of ${clusters} clusters built from the healthy-hosted bases.`,
      sources: ['000_027c005dae3c2be1.txt'],
      recordedAt: '2023-04-25T12:21:30Z',
      meshes: [{ id: HOSTED_MESH_ID }],
      clusters: [
        { name: CONTROL_PLANE, mesh: HOSTED_MESH_ID, role: 'control-plane', bases: CP_BASES, expectFail: [] },
        ...remotes.map((name) => ({
          name,
          mesh: HOSTED_MESH_ID,
          role: 'remote',
          controlPlane: CONTROL_PLANE,
          bases: REMOTE_BASES,
          expectFail: [],
        })),
      ],
    };
    writeFileSync(join(dir, 'scenario.yaml'), stringify(scenario));
    return loadScenario(SCENARIO, { root });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** `clusters` clusters (one control plane), each with `podsPerCluster` generated application pods. */
export function hostedMesh(clusters: number, podsPerCluster: number): ScenarioSpec {
  if (clusters < 2 || clusters > 150) throw new Error(`hostedMesh: clusters must be 2..150, got ${clusters}`);
  const scenario = hostedScenario(clusters);
  scenario.clusters = scenario.clusters.map((c, i) => {
    const root = baseRootCert(c.objects);
    const apps = generateApps({
      seed: i + 1,
      cluster: c.name,
      pods: podsPerCluster,
      meshId: HOSTED_MESH_ID,
      // Each cluster its own /16, as in a flat multi-cluster network.
      podCidr: `10.${64 + i}.0.0/16`,
      ...(root ? { rootCertPem: root } : {}),
    });
    return { ...c, objects: [...c.objects, ...apps] };
  });
  return scenario;
}
