// Errors of the queue layer. `code` stays within the shared ErrorCode set; `reason` says which
// queue failure it was (for the message a user sees and for metrics).

import { MeshMedicError } from '../domain/errors.ts';

export type QueueErrorReason = 'queue-unavailable' | 'job-invalid';

export class QueueError extends MeshMedicError {
  readonly reason: QueueErrorReason;

  constructor(reason: QueueErrorReason, message: string, options: { cause?: unknown } = {}) {
    // An invalid job stays invalid however often it is retried; an outage ends.
    super(reason === 'job-invalid' ? 'JOB_INVALID' : 'QUEUE_UNAVAILABLE', message, { ...options, unrecoverable: reason === 'job-invalid' });
    this.name = 'QueueError';
    this.reason = reason;
  }
}

export function isQueueUnavailable(err: unknown): err is QueueError {
  return err instanceof QueueError && err.reason === 'queue-unavailable';
}
