// Turns whatever an API call ends with (HTTP status, socket error, timeout) into a MeshMedicError
// with a stable code and a message a person can act on: which server, which permission.
// Messages never include credentials: only the server URL and the kubeconfig path.

import { type ErrorCode, MeshMedicError } from '../domain/errors.ts';

/** What a call tried to do, in RBAC terms. */
export interface CallDescription {
  verb: 'get' | 'list' | 'patch';
  /** Resource plural, or `pods/log` for a subresource. */
  resource: string;
  /** API group, '' for core. */
  group: string;
  namespaced: boolean;
  namespace?: string;
  name?: string;
}

/** Which server and credentials a call used (never the credentials themselves). */
export interface ServerIdentity {
  cluster: string;
  server: string;
  kubeconfigPath: string;
  /** How the kubeconfig user authenticates: token, client certificate, exec plugin, … */
  credential: string;
}

export class K8sApiError extends MeshMedicError {
  readonly httpStatus?: number;
  constructor(code: ErrorCode, message: string, options: { httpStatus?: number; cause?: unknown; unrecoverable?: boolean }) {
    super(code, message, options);
    this.httpStatus = options.httpStatus;
  }
}

const MAX_SERVER_MESSAGE = 300;

/** "`list` on `pods` (API group "") in all namespaces": what RBAC must allow for this call. */
export function permissionText(call: CallDescription): string {
  const where = !call.namespaced
    ? '(cluster-scoped)'
    : call.namespace
      ? `in namespace ${call.namespace}`
      : 'in all namespaces';
  return `\`${call.verb}\` on \`${call.resource}\` (API group "${call.group}") ${where}`;
}

export function describeCall(call: CallDescription): string {
  const target = call.name ? `${call.resource}/${call.name}` : call.resource;
  const group = call.group ? `.${call.group}` : '';
  const ns = call.namespace ? ` in namespace ${call.namespace}` : '';
  return `${call.verb} ${target}${group}${ns}`;
}

export function httpError(status: number, body: string, call: CallDescription, id: ServerIdentity): K8sApiError {
  const said = serverMessage(body);
  const tail = said ? ` (server said: ${said})` : '';
  const opts = { httpStatus: status };
  if (status === 401) {
    return new K8sApiError(
      'K8S_UNAUTHORIZED',
      `credentials rejected by ${id.server}: check the ${id.credential} in kubeconfig ${id.kubeconfigPath}`,
      { ...opts, unrecoverable: true },
    );
  }
  if (status === 403) {
    return new K8sApiError('K8S_FORBIDDEN', `forbidden on ${id.server}: needs ${permissionText(call)}${tail}`, {
      ...opts,
      unrecoverable: true,
    });
  }
  const what = `${describeCall(call)} on ${id.server}`;
  if (status === 404) return new K8sApiError('K8S_NOT_FOUND', `not found: ${what}${tail}`, opts);
  if (status === 409) return new K8sApiError('K8S_CONFLICT', `conflict: ${what}${tail}`, opts);
  if (status === 400 || status === 422) {
    return new K8sApiError('K8S_INVALID', `rejected as invalid: ${what}${tail}`, { ...opts, unrecoverable: true });
  }
  if (status === 429) return new K8sApiError('K8S_SERVER_ERROR', `throttled (429): ${what}${tail}`, opts);
  return new K8sApiError('K8S_SERVER_ERROR', `server error ${status}: ${what}${tail}`, opts);
}

export function timeoutError(call: CallDescription, id: ServerIdentity, timeoutMs: number): K8sApiError {
  return new K8sApiError('K8S_TIMEOUT', `no answer from ${id.server} within ${timeoutMs} ms (${describeCall(call)})`, {});
}

export function networkError(err: unknown, call: CallDescription, id: ServerIdentity): K8sApiError {
  const code = errorCodeOf(err);
  const reason = code ? reasonFor(code) : 'connection failed';
  return new K8sApiError('K8S_UNREACHABLE', `cannot reach ${id.server}: ${reason} (${describeCall(call)})`, {
    cause: err,
  });
}

function reasonFor(code: string): string {
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host name not found';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return 'connection reset';
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return 'connect timeout';
  if (/CERT|SIGNATURE|TLS|SSL|ALTNAME/.test(code)) return `TLS verification failed (${code}): check the CA in the kubeconfig`;
  return code;
}

/** The first `code` found on the error or its causes (undici nests socket errors). */
function errorCodeOf(err: unknown): string | undefined {
  for (let e = err, depth = 0; e && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** The `message` of a Kubernetes Status body, or the start of a plain-text body. */
function serverMessage(body: string): string {
  let text = body.trim();
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    if (typeof parsed.message === 'string') text = parsed.message;
  } catch {
    // not JSON: keep the text
  }
  return text.length > MAX_SERVER_MESSAGE ? `${text.slice(0, MAX_SERVER_MESSAGE)}…` : text;
}
