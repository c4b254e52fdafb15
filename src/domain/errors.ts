// Errors carry a stable `code` (for tests, metrics and job retry policy) and a human message.

export type ErrorCode =
  | 'USAGE'
  | 'REGISTRY_INVALID'
  | 'UNKNOWN_CLUSTER'
  | 'UNKNOWN_CHECK'
  | 'UNKNOWN_PLAYBOOK'
  | 'PLAYBOOK_INVALID'
  | 'SCENARIO_INVALID'
  | 'K8S_UNAUTHORIZED'
  | 'K8S_FORBIDDEN'
  | 'K8S_NOT_FOUND'
  | 'K8S_CONFLICT'
  | 'K8S_INVALID'
  | 'K8S_SERVER_ERROR'
  | 'K8S_TIMEOUT'
  | 'K8S_UNREACHABLE'
  | 'K8S_CALL_BUDGET'
  | 'CHECK_CRASHED'
  | 'QUEUE_UNAVAILABLE'
  | 'JOB_INVALID'
  | 'SLACK_API'
  | 'DEPENDENCY_MISSING'
  | 'INTERNAL';

export class MeshMedicError extends Error {
  readonly code: ErrorCode;
  /** True when retrying the same operation cannot succeed (403, invalid input, ...). */
  readonly unrecoverable: boolean;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; unrecoverable?: boolean } = {}) {
    super(message, { cause: options.cause });
    this.name = 'MeshMedicError';
    this.code = code;
    this.unrecoverable = options.unrecoverable ?? false;
  }
}

export function isMeshMedicError(err: unknown): err is MeshMedicError {
  return err instanceof MeshMedicError;
}
