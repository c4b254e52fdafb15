// What executing a proposal ended with: stored on the proposal (so a retried job returns it and
// patches nothing) and rendered by the Slack thread.

import type { FieldChange, FollowUp, VerifyResult } from './types.ts';

/** The API server's answer to the server-side dry run. */
export type DryRunAnswer =
  | { accepted: true; resourceVersion: string; diff: string[] }
  | { accepted: false; code: string; message: string };

export interface UndoData {
  /** The changed fields with the values they had before the fix (`before`) and were set to (`after`). */
  changes: FieldChange[];
  /** The object's resourceVersion right after the patch. */
  resourceVersionAfter: string;
}

export type ExecutionOutcome = 'applied' | 'refused' | 'failed';

export interface ExecutionResult {
  outcome: ExecutionOutcome;
  at: string;
  /** Why it was refused or failed, in words. */
  reason?: string;
  /** What a person should do next (a fresh diagnosis after a refusal). */
  nextStep?: string;
  dryRun?: DryRunAnswer;
  verification?: VerifyResult | { status: 'pending'; summary: string; attempts: 0 };
  undo?: UndoData;
  followUps?: FollowUp[];
}
