// The registry's view of a cluster (clusters.yaml, validated by src/config/registry.ts).

export type ClusterRole = 'primary' | 'remote' | 'control-plane';

export interface MeshDef {
  id: string;
}

export interface RegisteredCluster {
  name: string;
  /** Absolute path: relative paths in clusters.yaml are resolved against the file. */
  kubeconfig: string;
  context?: string;
  mesh: string;
  network?: string;
  role: ClusterRole;
  /** Required for `remote`: the cluster whose istiod configures this one (may be itself). */
  controlPlane?: string;
  production: boolean;
  channel?: string;
  approvers?: string[];
}

export interface Registry {
  /** Absolute path of the clusters.yaml this registry came from. */
  path: string;
  meshes: MeshDef[];
  clusters: RegisteredCluster[];
}
