// What every object builder needs besides its own plan: cluster identity and a clock.

export interface BuildContext {
  cluster: string;
  network?: string;
  meshId?: string;
  rootCertPem: string;
  /** Epoch milliseconds of the generated mesh's creation; every timestamp is derived from it. */
  createdAtMs: number;
}

/** RFC 3339 timestamp `seconds` after the mesh was created, without fractions (as the API prints). */
export function at(ctx: BuildContext, seconds: number): string {
  return new Date(ctx.createdAtMs + seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// Offsets (seconds after creation) that give objects a plausible order of events.
export const T = {
  namespace: 0,
  deployment: 120,
  replicaSet: 120,
  podCreated: 121,
  podScheduled: 121,
  initStarted: 123,
  initFinished: 124,
  containersStarted: 125,
  podReady: 128,
} as const;

// The EndpointSlice controller's default --max-endpoints-per-slice.
export const MAX_ENDPOINTS_PER_SLICE = 100;

export const ISTIO_VERSION = '1.22.3';
export const PROXY_IMAGE = `docker.io/istio/proxyv2:${ISTIO_VERSION}`;
