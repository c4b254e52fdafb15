// istiod's log lines about remote clusters (from remote secrets): failures to add one, and the
// lines that show one was added after all. Formats across Istio releases:
//   Failed to add remote cluster from secret=S for cluster_id=C: ERR            (<= 1.11)
//   Failed to create client for cluster C from secret S: ERR                   (krt, 1.22+)
//   Adding cluster: create remote cluster failed: ERR  cluster=C secret=S      (labelled, 1.12+)
//   cluster has already been registered  cluster=C secret=S                    (duplicate key)

export interface RemoteClusterEvent {
  kind: 'failure' | 'duplicate' | 'success' | 'deleted';
  cluster: string;
  secret?: string;
  error?: string;
}

const OLD_FAILURE = /Failed to add remote cluster from secret=(\S+) for cluster_id=([^\s:]+): (.+)$/;
const KRT_FAILURE = /Failed to create client for cluster (\S+) from secret (\S+?): (.+)$/;
const LABELLED_FAILURE = /(?:Adding|Updating) cluster: create remote cluster failed: (.+?)\s+cluster=(\S+)(?:\s+secret=(\S+))?\s*$/;
const DUPLICATE = /cluster has already been registered\s+cluster=(\S+)(?:\s+secret=(\S+))?/;
const SUCCESS_LABELLED = /(?:finished callback for cluster and starting to sync|cluster synced|initial sync complete)\s+cluster=(\S+)/;
const SUCCESS_OLD = /finished callback for (\S+) and starting to sync/;
const DELETED = /Deleting cluster_id=(\S+?)(?: configured by secret=(\S+))?\s*$/;

export function parseRemoteClusterLine(line: string): RemoteClusterEvent | undefined {
  let m = OLD_FAILURE.exec(line);
  if (m) return { kind: 'failure', secret: m[1]!, cluster: m[2]!, error: m[3]!.trim() };
  m = KRT_FAILURE.exec(line);
  if (m) return { kind: 'failure', cluster: m[1]!, secret: m[2]!, error: m[3]!.trim() };
  m = LABELLED_FAILURE.exec(line);
  if (m) return { kind: 'failure', error: m[1]!.trim(), cluster: m[2]!, ...(m[3] ? { secret: m[3] } : {}) };
  m = DUPLICATE.exec(line);
  if (m) return { kind: 'duplicate', cluster: m[1]!, ...(m[2] ? { secret: m[2] } : {}) };
  m = SUCCESS_LABELLED.exec(line) ?? SUCCESS_OLD.exec(line);
  if (m) return { kind: 'success', cluster: m[1]! };
  m = DELETED.exec(line);
  if (m) return { kind: 'deleted', cluster: m[1]!, ...(m[2] ? { secret: m[2] } : {}) };
  return undefined;
}
