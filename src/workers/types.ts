// What the diagnosis processor needs from the outside world, passed in so tests (and the sandbox)
// can supply their own registry, snapshot source, Slack and clock.

import type { Check } from '../checks/types.ts';
import type { Registry } from '../domain/cluster.ts';
import type { DiagnosisReport } from '../engine/report.ts';
import type { SnapshotSource } from '../k8s/snapshot-source.ts';
import type { EffectsStore } from '../queue/effects.ts';
import type { LastResult } from '../queue/last-results.ts';
import type { ReportRemediation } from '../queue/remediation-report.ts';
import type { Logger } from '../server/logger.ts';
import type { SlackPoster } from '../slack/notify.ts';
import type { PlaybookLookup, SlackMessage } from '../slack/render/index.ts';
import type { DiagnoseJob } from '../queue/jobs.ts';
import type { PeerSnapshotCache } from '../engine/peer-cache.ts';

/** Steps after which a rerun of the job must not repeat what was done. */
export type ProcessorStep = 'parent-posted' | 'diagnosed' | 'report-part-posted' | 'finished';

export interface DiagnoseProcessorDeps {
  /** Called once per job: the registry file may have changed since start-up. */
  loadRegistry: () => Registry;
  /** A snapshot source for one job; closed when the job ends. */
  sourceFor: (registry: Registry) => SnapshotSource;
  /** Peer reads shared by this worker's diagnoses for a short while (MESH_MEDIC_PEER_CACHE_SECONDS). */
  peerCache?: PeerSnapshotCache;
  /** When fixes last changed these clusters (any worker): cached peer reads older than that are dropped. */
  peerChanges?: (clusters: string[]) => Promise<ReadonlyMap<string, number>>;
  slack: SlackPoster;
  effects: EffectsStore;
  saveLastResult: (result: LastResult) => Promise<void>;
  playbookFor: PlaybookLookup;
  /** The check catalog (default: CHECKS). */
  checks?: readonly Check[];
  /** Minimum spacing of progress edits of the parent message (default 1000 ms). */
  progressIntervalMs?: number;
  logger: Logger;
  /** Called once per fresh diagnosis (not again when a rerun reuses the recorded report): metrics. */
  onReport?: (report: DiagnosisReport) => void;
  /** Counts outcomes (metrics). */
  onOutcome?: (outcome: { trigger: string; outcome: 'done' | 'failed' | 'retrying' }) => void;
  /** Fix proposals with Approve / Reject buttons in the report (issue 5); none when unset. */
  remediation?: ReportRemediation;
  /** Called with the parent message a job leaves behind (its verdict, or its failure), before the
   *  job counts as finished: alert handling keeps it to mark it resolved later (issue 6). */
  onFinalParent?: (jobId: string, data: DiagnoseJob, message: SlackMessage) => Promise<void>;
  /** Test seam: called after each recorded step; throwing here is a worker dying at that point. */
  afterStep?: (step: ProcessorStep, jobId: string) => void | Promise<void>;
}

/** The parts of a BullMQ Job the processor uses (a real Job satisfies it). */
export interface DiagnoseJobHandle {
  id?: string | undefined;
  data: unknown;
  attemptsMade: number;
  opts: { attempts?: number | undefined };
  updateProgress(progress: { done: number; total: number }): Promise<unknown>;
}
