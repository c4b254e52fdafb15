// Recognises a proxy's failure to reach istiod in its log: the xDS stream closing with a dial or
// connection error (Envoy's "StreamAggregatedResources gRPC config stream to xds-grpc closed ...",
// pilot-agent's xdsproxy "upstream terminated ..."). Normal periodic reconnects (status 0 or 13
// without a connection error) are not failures.

export interface XdsFailure {
  /** "10.233.48.75:15012", "istiod.istio-system.svc" (DNS failure), or "istiod" when unnamed. */
  target: string;
  /** IP of the target when it is an address. */
  ip?: string;
  port?: number;
  /** "i/o timeout", "connect: connection refused", "no such host", "x509: ..." */
  reason: string;
}

const XDS_CONTEXT = /StreamAggregatedResources|xds-grpc|xdsproxy|XDS client|ads\s+.*(?:connection|dial)/;
const FAILURE = /dial tcp|connection error|handshake failed|no healthy upstream|DeadlineExceeded|deadline exceeded|no route to host|connection refused|i\/o timeout/;
const DIAL_ADDRESS = /dial tcp (\[[0-9a-fA-F:]+\]|\d{1,3}(?:\.\d{1,3}){3}):(\d+): ([^"\\]+)/;
const DIAL_LOOKUP = /dial tcp: lookup ([^\s:]+)(?: on [^\s]+)?: ([^"\\]+)/;
const DESC = /desc = "?([^"\\]+)/g;

export function parseXdsFailure(line: string): XdsFailure | undefined {
  if (!XDS_CONTEXT.test(line) || !FAILURE.test(line)) return undefined;
  const dial = DIAL_ADDRESS.exec(line);
  if (dial?.[1] && dial[2] && dial[3]) {
    const ip = dial[1].replace(/^\[|\]$/g, '');
    return { target: `${dial[1]}:${dial[2]}`, ip, port: Number(dial[2]), reason: dial[3].trim() };
  }
  const lookup = DIAL_LOOKUP.exec(line);
  if (lookup?.[1] && lookup[2]) return { target: lookup[1], reason: `DNS lookup failed: ${lookup[2].trim()}` };
  const descs = [...line.matchAll(DESC)].map((m) => m[1]?.trim() ?? '').filter(Boolean);
  return { target: 'istiod', reason: descs.at(-1) ?? 'connection error' };
}
