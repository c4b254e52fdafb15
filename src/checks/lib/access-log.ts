// Envoy access-log lines as Istio writes them: the default TEXT format
//   [START_TIME] "METHOD PATH PROTOCOL" CODE FLAGS DETAILS TERMINATION "UPSTREAM_FAILURE" BYTES_IN
//   BYTES_OUT DURATION UPSTREAM_TIME "XFF" "UA" "REQUEST_ID" "AUTHORITY" "UPSTREAM_HOST" CLUSTER ...
// (older releases lack DETAILS/TERMINATION, so fields are found by shape, not by position), and the
// JSON encoding (`accessLogEncoding: JSON`) with its snake_case keys.

export interface AccessLogEntry {
  /** HTTP status; 0 for TCP connections. */
  code: number;
  /** Envoy response flags, e.g. ['UH'] or ['UF', 'URX']; empty when `-`. */
  flags: string[];
  /** RESPONSE_CODE_DETAILS, e.g. `no_healthy_upstream`; undefined when absent or `-`. */
  details?: string;
  /** Envoy cluster, e.g. `outbound|80|v1|review.review.svc.cluster.local`; undefined when `-`. */
  upstreamCluster?: string;
  /** :authority of the request (the Host header); undefined when `-` or absent. */
  authority?: string;
}

const TOKEN = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
const CLUSTER = /^(?:outbound|inbound)[|_]/;
const FLAGS = /^(?:-|[A-Z]{2,4}(?:,[A-Z]{2,4})*)$/;

/** Parses one access-log line; undefined when the line is not an access-log entry. */
export function parseAccessLog(line: string): AccessLogEntry | undefined {
  const brace = line.indexOf('{');
  if (brace >= 0 && line.includes('"response_code"')) return parseJson(line.slice(brace));
  return parseText(line);
}

function tokens(text: string): { value: string; quoted: boolean }[] {
  const out: { value: string; quoted: boolean }[] = [];
  for (const m of text.matchAll(TOKEN)) out.push(m[1] !== undefined ? { value: m[1], quoted: true } : { value: m[2] ?? '', quoted: false });
  return out;
}

function parseText(line: string): AccessLogEntry | undefined {
  const start = line.indexOf('[');
  const close = line.indexOf(']', start);
  if (start < 0 || close < 0) return undefined;
  const rest = tokens(line.slice(close + 1));
  // The request line is the first quoted token ("GET /x HTTP/1.1", or "- - -" for TCP).
  const requestAt = rest.findIndex((t) => t.quoted);
  const code = rest[requestAt + 1];
  const flags = rest[requestAt + 2];
  if (requestAt < 0 || !code || !/^\d{1,3}$/.test(code.value) || !flags || !FLAGS.test(flags.value)) return undefined;
  const details = rest[requestAt + 3];
  // The last quoted field is "UPSTREAM_HOST": "AUTHORITY" precedes it, the cluster follows it.
  let hostAt = rest.length - 1;
  while (hostAt > requestAt && !rest[hostAt]?.quoted) hostAt--;
  const after = hostAt > requestAt ? rest[hostAt + 1] : undefined;
  const authority = hostAt > requestAt + 1 ? rest[hostAt - 1] : undefined;
  const cluster = after && !after.quoted && after.value !== '-' ? after : rest.find((t) => !t.quoted && CLUSTER.test(t.value));
  return {
    code: Number(code.value),
    flags: flags.value === '-' ? [] : flags.value.split(','),
    ...(details && !details.quoted && details.value !== '-' && !/^\d+$/.test(details.value) ? { details: details.value } : {}),
    ...(cluster ? { upstreamCluster: cluster.value } : {}),
    ...(authority?.quoted && authority.value !== '-' ? { authority: authority.value } : {}),
  };
}

function parseJson(text: string): AccessLogEntry | undefined {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const code = Number(doc.response_code);
  if (!Number.isFinite(code)) return undefined;
  const str = (v: unknown) => (typeof v === 'string' && v !== '-' && v !== '' ? v : undefined);
  const flags = str(doc.response_flags);
  const details = str(doc.response_code_details);
  const cluster = str(doc.upstream_cluster);
  const authority = str(doc.authority);
  return {
    code,
    flags: flags ? flags.split(',') : [],
    ...(details ? { details } : {}),
    ...(cluster ? { upstreamCluster: cluster } : {}),
    ...(authority ? { authority } : {}),
  };
}
