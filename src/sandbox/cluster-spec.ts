// What the sandbox API server needs to simulate one cluster, wherever it came from (a scenario
// directory or the synthetic-mesh generator).

import type { ClusterRole } from '../domain/cluster.ts';
import type { K8sObject } from '../domain/k8s-object.ts';

/** One container log as the sandbox serves it through pods/{name}/log. */
export interface ContainerLog {
  namespace: string;
  pod: string;
  container: string;
  /** true for `?previous=true` (the log of the last terminated instance). */
  previous: boolean;
  /** Full text; lines start with RFC3339 timestamps where the source had them. */
  text: string;
}

/** What matches a request for fault injection. Omitted fields match anything. */
export interface FaultMatch {
  verb?: 'get' | 'list' | 'create' | 'update' | 'patch' | 'delete';
  /** Resource plural (`pods`, `services`, `destinationrules`) or subresource path (`pods/log`). */
  resource?: string;
  group?: string;
  namespace?: string;
  name?: string;
}

export type FaultAction =
  | { status: 403 | 500 | 401 | 404 | 409 | 429 | 503; message?: string }
  | { delayMs: number }
  | { timeout: true };

export interface FaultRule {
  match: FaultMatch;
  action: FaultAction;
}

export interface ClusterFaults {
  /** The listener refuses connections (closed port). */
  refuseConnections?: boolean;
  rules?: FaultRule[];
}

export interface ClusterSpec {
  /** Registry name; unique across every scenario so that `--scenario all` works. */
  name: string;
  mesh: string;
  role: ClusterRole;
  network?: string;
  controlPlane?: string;
  production?: boolean;
  channel?: string;
  /** Check ids a correct diagnosis of this cluster reports as `fail` (and nothing else). */
  expectFail: string[];
  objects: K8sObject[];
  logs: ContainerLog[];
  faults?: ClusterFaults;
}

export interface ScenarioSpec {
  name: string;
  description: string;
  /** Seed files (../shared/seeds) the scenario reproduces. */
  sources: string[];
  meshes: { id: string }[];
  clusters: ClusterSpec[];
}
