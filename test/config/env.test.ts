import { describe, expect, it } from 'vitest';
import { readEnv } from '../../src/config/env.ts';

describe('readEnv', () => {
  it('applies defaults when nothing is set', () => {
    expect(readEnv({})).toEqual({
      clustersPath: undefined,
      k8s: { timeoutMs: 10_000, concurrency: 6, callBudget: 2_000 },
      color: undefined,
    });
  });

  it('reads the cluster access variables', () => {
    const config = readEnv({
      MESH_MEDIC_CLUSTERS: '/etc/mesh/clusters.yaml',
      MESH_MEDIC_K8S_TIMEOUT_MS: '500',
      MESH_MEDIC_K8S_CONCURRENCY: '2',
      MESH_MEDIC_K8S_CALL_BUDGET: '50',
    });
    expect(config.clustersPath).toBe('/etc/mesh/clusters.yaml');
    expect(config.k8s).toEqual({ timeoutMs: 500, concurrency: 2, callBudget: 50 });
  });

  it('names every malformed variable in one error', () => {
    expect(() => readEnv({ MESH_MEDIC_K8S_TIMEOUT_MS: '10s', MESH_MEDIC_K8S_CONCURRENCY: '0' })).toThrow(
      /MESH_MEDIC_K8S_TIMEOUT_MS: must be a positive integer[\s\S]*MESH_MEDIC_K8S_CONCURRENCY: must be a positive integer/,
    );
  });

  it('follows NO_COLOR and FORCE_COLOR', () => {
    expect(readEnv({ NO_COLOR: '1' }).color).toBe(false);
    expect(readEnv({ NO_COLOR: '1', FORCE_COLOR: '1' }).color).toBe(false);
    expect(readEnv({ NO_COLOR: '' }).color).toBeUndefined();
    expect(readEnv({ FORCE_COLOR: '1' }).color).toBe(true);
    expect(readEnv({ FORCE_COLOR: '0' }).color).toBe(false);
  });
});
