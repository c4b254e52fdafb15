// A snapshot is everything one diagnosis knows about one cluster: each kind listed once, the few
// pod logs the checks need, secret *summaries* (never key material), and what could not be read.
// Checks read only from here, so the cost of a diagnosis grows with kinds, not with checks.

import { type ErrorCode, MeshMedicError } from '../domain/errors.ts';
import type { K8sObject } from '../domain/k8s-object.ts';

/** The kinds a snapshot may hold, named as RBAC names them (`plural[.group]`). */
export const SNAPSHOT_KINDS = [
  'configmaps',
  'customresourcedefinitions.apiextensions.k8s.io',
  'daemonsets.apps',
  'deployments.apps',
  'destinationrules.networking.istio.io',
  'endpoints',
  'endpointslices.discovery.k8s.io',
  'events',
  'gateways.networking.istio.io',
  'mutatingwebhookconfigurations.admissionregistration.k8s.io',
  'namespaces',
  'nodes',
  'pods',
  'replicasets.apps',
  'secrets',
  'services',
  'validatingwebhookconfigurations.admissionregistration.k8s.io',
  'virtualservices.networking.istio.io',
] as const;
export type SnapshotKind = (typeof SNAPSHOT_KINDS)[number];

/** What a diagnosis keeps of a Secret: enough to compare, nothing that grants access. */
export interface SecretSummary {
  namespace: string;
  name: string;
  type?: string;
  labels: Record<string, string>;
  resourceVersion?: string;
  /** Data keys (for remote secrets: the peer cluster names). */
  keys: string[];
  /** sha256 of each PEM certificate found under a `*.pem` key, e.g. `root-cert.pem`. */
  certFingerprints: Record<string, string>;
  /** For kubeconfig-valued keys (remote secrets): the API server URL, or null if unparsable. */
  kubeconfigServers: Record<string, string | null>;
}

export interface PodLogKey {
  namespace: string;
  pod: string;
  container: string;
  previous: boolean;
}

export interface PodLog extends PodLogKey {
  lines: string[];
}

export interface ReadFailure {
  /** A snapshot kind, or `pods/log` for a log read. */
  kind: SnapshotKind | 'pods/log';
  /** For log reads: which log. */
  log?: PodLogKey;
  code: ErrorCode;
  httpStatus?: number;
  /** Human text: what failed and what would fix it (the missing RBAC verb, the unreachable URL). */
  message: string;
}

/** Kinds listed only in some namespaces, by kind (see Snapshot.listIn). */
export type KindScopes = Partial<Record<SnapshotKind, readonly string[]>>;

export interface SnapshotData {
  cluster: string;
  takenAt: string;
  /** Present for each kind read successfully (possibly empty); absent when not read or failed. */
  objects: Partial<Record<SnapshotKind, K8sObject[]>>;
  /** Present when `secrets` was read successfully. */
  secrets?: SecretSummary[];
  logs: PodLog[];
  failures: ReadFailure[];
  /** API calls spent building this snapshot. */
  apiCalls: number;
  /** Kinds read only in these namespaces (a peer's pods and services); absent: all namespaces. */
  scopes?: KindScopes;
}

/** Thrown by Snapshot accessors when a check needs a kind that could not be read. */
export class ReadFailedError extends MeshMedicError {
  readonly failure: ReadFailure;
  /** The cluster whose read failed (the diagnosed one or a peer). */
  readonly cluster: string;
  constructor(cluster: string, failure: ReadFailure) {
    super(failure.code, `cluster ${cluster}: ${failure.message}`);
    this.failure = failure;
    this.cluster = cluster;
  }
}

export class Snapshot {
  /** Scoped kinds a check asked for beyond their scope since the last takeWidened(). */
  private readonly widened = new Set<SnapshotKind>();

  constructor(readonly data: SnapshotData) {}

  get cluster(): string {
    return this.data.cluster;
  }

  /** Objects of one kind; throws ReadFailedError if that kind could not be read. On a kind read
   *  only in some namespaces this returns those and records that the check needs all of them. */
  list(kind: SnapshotKind): K8sObject[] {
    const objects = this.data.objects[kind];
    if (objects) {
      if (this.data.scopes?.[kind]) this.widened.add(kind);
      return objects;
    }
    if (kind === 'secrets' && this.data.secrets) {
      // A check bug, not a read failure: raw Secrets are never kept.
      throw new Error("secrets are only available as summaries: use snapshot.secrets(), not list('secrets')");
    }
    throw new ReadFailedError(this.cluster, this.failureOf(kind));
  }

  /** Like list(), but returns undefined instead of throwing: for evidence that is optional. */
  tryList(kind: SnapshotKind): K8sObject[] | undefined {
    if (this.data.objects[kind] && this.data.scopes?.[kind]) this.widened.add(kind);
    return this.data.objects[kind];
  }

  /** Objects of one kind in one namespace; a scoped kind needs no wider read for a namespace it covers. */
  listIn(kind: SnapshotKind, namespace: string): K8sObject[] {
    const scope = this.data.scopes?.[kind];
    const objects = scope?.includes(namespace) ? this.data.objects[kind] : undefined;
    return (objects ?? this.list(kind)).filter((o) => o.metadata.namespace === namespace);
  }

  /** Whether a kind was read (in full or scoped), without asking for it. */
  has(kind: SnapshotKind): boolean {
    return this.data.objects[kind] !== undefined;
  }

  /** Scoped kinds asked for in full since the last call (the engine reads them and runs the check again). */
  takeWidened(): SnapshotKind[] {
    const out = [...this.widened];
    this.widened.clear();
    return out;
  }

  secrets(): SecretSummary[] {
    if (this.data.secrets) return this.data.secrets;
    throw new ReadFailedError(this.cluster, this.failureOf('secrets'));
  }

  /** Log lines of one container, or undefined when that log was not read (or could not be). */
  log(namespace: string, pod: string, container: string, previous = false): string[] | undefined {
    return this.data.logs.find(
      (l) => l.namespace === namespace && l.pod === pod && l.container === container && l.previous === previous,
    )?.lines;
  }

  logFailures(): ReadFailure[] {
    return this.data.failures.filter((f) => f.kind === 'pods/log');
  }

  failureOf(kind: SnapshotKind): ReadFailure {
    return (
      this.data.failures.find((f) => f.kind === kind) ?? {
        kind,
        code: 'INTERNAL',
        message: `${kind} was not read for this diagnosis (no check declared it)`,
      }
    );
  }
}
