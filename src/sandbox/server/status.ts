// Kubernetes `Status` objects, shaped exactly as a real API server shapes them, so kubectl prints
// `Error from server (NotFound): ...` and client-node raises ApiException with the right code.

export interface StatusCause {
  reason: string;
  message: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface StatusObject {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

/** Thrown by handlers; the listener turns it into the Status response. */
export class ApiError extends Error {
  readonly status: StatusObject;
  constructor(status: StatusObject) {
    super(status.message ?? status.reason ?? `HTTP ${status.code}`);
    this.name = 'ApiError';
    this.status = status;
  }
  get code(): number {
    return this.status.code;
  }
}

/** What an error is about: `pods "x"` in group "" (details.kind is the resource plural). */
export interface Subject {
  group: string;
  /** Resource plural, e.g. `pods`; the real server puts it in details.kind. */
  resource: string;
  name?: string;
}

export function failure(code: number, reason: string, message: string, details?: StatusDetails): StatusObject {
  // Key order as a real server writes it: kind, apiVersion, metadata, status, message, reason, details, code.
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  };
}

function detailsOf(s: Subject): StatusDetails {
  const d: StatusDetails = {};
  if (s.name !== undefined) d.name = s.name;
  d.group = s.group;
  d.kind = s.resource;
  return d;
}

/** `pods` or `deployments.apps`: how messages name a resource. */
export function qualifiedResource(s: Pick<Subject, 'group' | 'resource'>): string {
  return s.group ? `${s.resource}.${s.group}` : s.resource;
}

export function notFound(s: Subject): ApiError {
  const what = s.name === undefined ? qualifiedResource(s) : `${qualifiedResource(s)} "${s.name}"`;
  return new ApiError(failure(404, 'NotFound', `${what} not found`, detailsOf(s)));
}

/** 404 for a path that names no resource type (what a real server answers to /api/v1/nonsense). */
export function pathNotFound(): ApiError {
  return new ApiError(failure(404, 'NotFound', 'the server could not find the requested resource', {}));
}

export function alreadyExists(s: Subject): ApiError {
  return new ApiError(
    failure(409, 'AlreadyExists', `${qualifiedResource(s)} "${s.name}" already exists`, detailsOf(s)),
  );
}

export function conflict(s: Subject): ApiError {
  return new ApiError(
    failure(
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${qualifiedResource(s)} "${s.name}": the object has been modified; please apply your changes to the latest version and try again`,
      detailsOf(s),
    ),
  );
}

export function badRequest(message: string): ApiError {
  return new ApiError(failure(400, 'BadRequest', message));
}

export function unauthorized(): ApiError {
  return new ApiError(failure(401, 'Unauthorized', 'Unauthorized'));
}

export const SANDBOX_USER = 'system:serviceaccount:mesh-medic:mesh-medic';

/** RBAC-shaped 403, word for word what the authorizer of a real server says. */
export function forbidden(
  s: Subject & { verb: string; subresource?: string; namespace?: string },
  user = SANDBOX_USER,
): ApiError {
  const subject = s.name === undefined ? qualifiedResource(s) : `${qualifiedResource(s)} "${s.name}"`;
  const resource = s.subresource ? `${s.resource}/${s.subresource}` : s.resource;
  const scope = s.namespace ? `in the namespace "${s.namespace}"` : 'at the cluster scope';
  const message = `${subject} is forbidden: User "${user}" cannot ${s.verb} resource "${resource}" in API group "${s.group}" ${scope}`;
  return new ApiError(failure(403, 'Forbidden', message, detailsOf(s)));
}

export interface InvalidField {
  field: string;
  /** `FieldValueInvalid`, `FieldValueRequired`, ... */
  reason: string;
  /** `Invalid value: "x": field is immutable`, `Required value: ...` */
  message: string;
}

/** 422 with details.causes: `Pod "x" is invalid: metadata.name: Required value: ...`. */
export function invalid(kind: string, group: string, name: string, fields: InvalidField[]): ApiError {
  const summary = fields.map((f) => `${f.field}: ${f.message}`);
  const joined = summary.length === 1 ? summary[0] : `[${summary.join(', ')}]`;
  const causes = fields.map((f) => ({ reason: f.reason, message: f.message, field: f.field }));
  return new ApiError(
    failure(422, 'Invalid', `${kind} "${name}" is invalid: ${joined}`, { name, group, kind, causes }),
  );
}

/** 422 for a patch that cannot be applied (failed json-patch `test`, missing path, ...). */
export function unprocessable(message: string): ApiError {
  return new ApiError(failure(422, 'Invalid', message));
}

export function internalError(message: string): ApiError {
  return new ApiError(
    failure(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ reason: '', message }] }),
  );
}

export function expired(message: string): ApiError {
  return new ApiError(failure(410, 'Expired', message));
}

export function methodNotAllowed(message: string): ApiError {
  return new ApiError(failure(405, 'MethodNotAllowed', message));
}

export function unsupportedMediaType(message: string): ApiError {
  return new ApiError(failure(415, 'UnsupportedMediaType', message));
}

export function notAcceptable(message: string): ApiError {
  return new ApiError(failure(406, 'NotAcceptable', message));
}

/** Generic failure by HTTP code, for injected faults (429, 503, ...). */
export function byCode(code: number, message?: string): ApiError {
  const reasons: Record<number, [string, string]> = {
    401: ['Unauthorized', 'Unauthorized'],
    404: ['NotFound', 'the server could not find the requested resource'],
    409: ['Conflict', 'the server reported a conflict'],
    429: ['TooManyRequests', 'the server has received too many requests and has asked us to try again later'],
    500: ['InternalError', 'an error on the server ("injected fault") has prevented the request from succeeding'],
    503: ['ServiceUnavailable', 'the server is currently unable to handle the request'],
  };
  const [reason, fallback] = reasons[code] ?? ['InternalError', `HTTP ${code}`];
  return new ApiError(failure(code, reason, message ?? fallback));
}

/** What a delete answers for most kinds: a real server leaves `code` out of a Success Status. */
export function success(details: StatusDetails): Omit<StatusObject, 'code'> {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details };
}
