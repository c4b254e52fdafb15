// The sandbox's own endpoints, off the Kubernetes paths and behind the same bearer token:
//   GET|PUT|DELETE /sandbox/faults    current ClusterFaults (JSON), replace them, clear them
//   GET|DELETE     /sandbox/requests  request log entries and counts, reset
// Turning refuseConnections on over HTTP answers first, then closes the listener: it can only be
// turned off again in-process (SandboxCluster.faults), since the port is then closed.

import type { ClusterFaults } from '../cluster-spec.ts';
import { type ApiResponse, jsonResponse } from './context.ts';
import { clusterFaultsSchema, type FaultController } from './faults.ts';
import type { RequestLog } from './request-log.ts';
import { badRequest, methodNotAllowed, pathNotFound } from './status.ts';

export interface AdminResult {
  response: ApiResponse;
  /** Work to do once the response has been sent (closing the listener). */
  after?: () => Promise<void>;
}

function parseFaults(body: Buffer): ClusterFaults {
  let raw: unknown;
  try {
    raw = JSON.parse(body.toString('utf8') || '{}');
  } catch (err) {
    throw badRequest(`faults must be JSON: ${(err as Error).message}`);
  }
  const parsed = clusterFaultsSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw badRequest(`invalid ClusterFaults: ${issues.join('; ')}`);
  }
  return parsed.data as ClusterFaults;
}

async function faultsEndpoint(method: string, body: Buffer, faults: FaultController): Promise<AdminResult> {
  switch (method) {
    case 'GET':
      return { response: jsonResponse(200, faults.get()) };
    case 'PUT': {
      const next = parseFaults(body);
      if (next.refuseConnections && !faults.refusing) {
        return { response: jsonResponse(200, next), after: () => faults.set(next) };
      }
      await faults.set(next);
      return { response: jsonResponse(200, faults.get()) };
    }
    case 'DELETE':
      await faults.clear();
      return { response: jsonResponse(200, faults.get()) };
    default:
      throw methodNotAllowed(`${method} is not supported on /sandbox/faults`);
  }
}

function requestsEndpoint(method: string, log: RequestLog): AdminResult {
  if (method === 'GET') return { response: jsonResponse(200, { counts: log.counts(), entries: log.entries() }) };
  if (method === 'DELETE') {
    log.reset();
    return { response: jsonResponse(200, { counts: {}, entries: [] }) };
  }
  throw methodNotAllowed(`${method} is not supported on /sandbox/requests`);
}

export async function handleAdmin(
  method: string,
  path: string,
  body: Buffer,
  faults: FaultController,
  log: RequestLog,
): Promise<AdminResult> {
  if (path === '/sandbox/faults') return faultsEndpoint(method, body, faults);
  if (path === '/sandbox/requests') return requestsEndpoint(method, log);
  throw pathNotFound();
}
