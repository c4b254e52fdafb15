// The check catalog: every check, imported explicitly and listed alphabetically, so each
// addition shows in the diff (no directory scanning).

import { check as appStartsBeforeProxy } from './app-starts-before-proxy.ts';
import { check as clusterAccess } from './cluster-access.ts';
import { check as controlPlaneHealth } from './control-plane-health.ts';
import { check as eastwestGateway } from './eastwest-gateway.ts';
import { check as gatewayCrdConflict } from './gateway-crd-conflict.ts';
import { check as gatewayReadiness } from './gateway-readiness.ts';
import { check as gatewayUpstreamUnhealthy } from './gateway-upstream-unhealthy.ts';
import { check as gatewayXdsUnreachable } from './gateway-xds-unreachable.ts';
import { check as istioInitFailures } from './istio-init-failures.ts';
import { check as istiodApiserverErrors } from './istiod-apiserver-errors.ts';
import { check as istiodRemoteClusterErrors } from './istiod-remote-cluster-errors.ts';
import { check as istiodRemoteEndpoints } from './istiod-remote-endpoints.ts';
import { check as loadbalancerPending } from './loadbalancer-pending.ts';
import { check as networkLabels } from './network-labels.ts';
import { check as remoteDiscoveryService } from './remote-discovery-service.ts';
import { check as remoteSecrets } from './remote-secrets.ts';
import { check as servicePortProtocol } from './service-port-protocol.ts';
import { check as sidecarInjection } from './sidecar-injection.ts';
import { check as subsetNoEndpoints } from './subset-no-endpoints.ts';
import { check as trustRootMismatch } from './trust-root-mismatch.ts';
import { check as workloadLabels } from './workload-labels.ts';
import type { Check } from './types.ts';

export const CHECKS: readonly Check[] = [
  appStartsBeforeProxy,
  clusterAccess,
  controlPlaneHealth,
  eastwestGateway,
  gatewayCrdConflict,
  gatewayReadiness,
  gatewayUpstreamUnhealthy,
  gatewayXdsUnreachable,
  istioInitFailures,
  istiodApiserverErrors,
  istiodRemoteClusterErrors,
  istiodRemoteEndpoints,
  loadbalancerPending,
  networkLabels,
  remoteDiscoveryService,
  remoteSecrets,
  servicePortProtocol,
  sidecarInjection,
  subsetNoEndpoints,
  trustRootMismatch,
  workloadLabels,
];

export const CHECKS_BY_ID: ReadonlyMap<string, Check> = new Map(CHECKS.map((c) => [c.id, c]));
