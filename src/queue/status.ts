// Running and recent diagnoses, for `/mesh status [cluster]`: read from BullMQ (state, progress,
// result) and the effects store (the thread each one posted in).

import type { Job, Queue } from 'bullmq';
import type { Status } from '../domain/finding.ts';
import type { EffectsStore } from './effects.ts';
import { parseDiagnoseJob } from './jobs.ts';

export type DiagnosisState = 'waiting' | 'running' | 'done' | 'failed';

export interface DiagnosisStatus {
  jobId: string;
  cluster: string;
  state: DiagnosisState;
  requestedBy: string;
  requestedAt: string;
  /** Checks done / total, while running. */
  progress?: { done: number; total: number };
  /** Counts by status and failing check ids, once done. */
  result?: DiagnoseJobResult;
  failedReason?: string;
  finishedAt?: string;
  thread?: { channel: string; ts: string };
}

/** What the diagnosis processor returns (BullMQ stores it as the job's return value). */
export interface DiagnoseJobResult {
  cluster: string;
  counts: Partial<Record<Status, number>>;
  failing: string[];
}

export interface ListOptions {
  cluster?: string;
  /** Finished diagnoses to show (running and waiting ones are always all shown, up to 50). */
  recent?: number;
}

const UNFINISHED = ['active', 'waiting', 'delayed', 'prioritized'] as const;

export async function listDiagnoses(queue: Queue, effects: EffectsStore, opts: ListOptions = {}): Promise<DiagnosisStatus[]> {
  const recent = opts.recent ?? 10;
  // Fetch more finished jobs than shown when filtering by cluster, so the filter has some to keep.
  const finishedWindow = opts.cluster ? recent * 5 : recent;
  const [unfinished, finished] = await Promise.all([
    queue.getJobs([...UNFINISHED], 0, 49),
    queue.getJobs(['completed', 'failed'], 0, finishedWindow - 1),
  ]);
  const statuses = [...unfinished, ...finished]
    .map((job) => statusOf(job))
    .filter((s): s is DiagnosisStatus => s !== undefined && (!opts.cluster || s.cluster === opts.cluster));
  const running = statuses.filter((s) => s.state === 'waiting' || s.state === 'running');
  const done = statuses
    .filter((s) => s.state === 'done' || s.state === 'failed')
    .sort((a, b) => (b.finishedAt ?? '').localeCompare(a.finishedAt ?? ''))
    .slice(0, recent);
  const shown = [...running, ...done];
  await Promise.all(
    shown.map(async (s) => {
      const thread = await effects.threadOf(s.jobId);
      if (thread) s.thread = thread;
    }),
  );
  return shown;
}

function statusOf(job: Job): DiagnosisStatus | undefined {
  let data: ReturnType<typeof parseDiagnoseJob>;
  try {
    data = parseDiagnoseJob(job.data);
  } catch {
    return undefined;
  }
  const s: DiagnosisStatus = {
    jobId: job.id ?? '',
    cluster: data.cluster,
    state: stateOf(job),
    requestedBy: data.requestedBy,
    requestedAt: data.requestedAt,
  };
  const progress = job.progress as { done?: unknown; total?: unknown } | number;
  if (typeof progress === 'object' && typeof progress.done === 'number' && typeof progress.total === 'number') {
    s.progress = { done: progress.done, total: progress.total };
  }
  if (job.finishedOn) s.finishedAt = new Date(job.finishedOn).toISOString();
  if (s.state === 'done' && isResult(job.returnvalue)) s.result = job.returnvalue;
  if (s.state === 'failed' && job.failedReason) s.failedReason = job.failedReason;
  return s;
}

function stateOf(job: Job): DiagnosisState {
  if (job.finishedOn) return job.failedReason && !isResult(job.returnvalue) ? 'failed' : 'done';
  return job.processedOn ? 'running' : 'waiting';
}

function isResult(v: unknown): v is DiagnoseJobResult {
  return typeof v === 'object' && v !== null && typeof (v as DiagnoseJobResult).cluster === 'string' && Array.isArray((v as DiagnoseJobResult).failing);
}
