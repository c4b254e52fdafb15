import { describe, expect, it } from 'vitest';
import { check, classify } from '../../src/checks/istiod-apiserver-errors.ts';
import { ago, pod, runCheck, statuses } from './workload-fixtures.ts';

const ISTIOD = 'istiod-7f8b9c6d5-x2k4p';
const istiod = pod(ISTIOD, {
  namespace: 'istio-system',
  labels: { app: 'istiod', istio: 'pilot' },
  sidecar: false,
  containers: [{ name: 'discovery', image: 'docker.io/istio/pilot:1.22.0' }],
});

const refused = (m: number, kind = '*v1.Pod') =>
  `${ago(m)}\terror\tklog\tk8s.io/client-go@v0.29.0/tools/cache/reflector.go:229: Failed to watch ${kind}: failed to list ${kind}: Get "https://10.43.240.1:443/api/v1/pods?limit=500": dial tcp 10.43.240.1:443: connect: connection refused`;
const forbidden = (m: number) =>
  `${ago(m)}\terror\tklog\tk8s.io/client-go@v0.29.0/tools/cache/reflector.go:229: failed to list *v1.Secret: secrets is forbidden: User "system:serviceaccount:istio-system:istiod" cannot list resource "secrets" in API group "" at the cluster scope`;
const info = (m: number) => `${ago(m)}\tinfo\tads\tPush debounce stable[42] 1 for config ServiceEntry/default/x: 100.1ms since last change`;

function logOf(lines: string[]) {
  return { logs: [{ namespace: 'istio-system', pod: ISTIOD, container: 'discovery', text: lines.join('\n') }] };
}

describe('istiod-apiserver-errors', () => {
  it('fails on ongoing connection-refused watch errors, naming the address and the resources', () => {
    const results = runCheck(check, [istiod], logOf([info(20), refused(6), refused(4, '*v1.Service'), refused(1)]));
    expect(statuses(results)).toEqual(['fail']);
    expect(results[0]?.severity).toBe('critical');
    expect(results[0]?.summary).toBe(
      `istiod istio-system/${ISTIOD} cannot reach the API server at 10.43.240.1:443 to watch *v1.Pod, *v1.Service: 3 errors between ${ago(6)} and ${ago(1)}, still failing at the end of its log; istiod serves stale config and endpoints to every proxy until this stops`,
    );
    expect(results[0]?.evidence?.map((e) => e.log)).toEqual([refused(6), refused(1)]);
  });

  it('fails on ongoing RBAC errors and names the forbidden resource', () => {
    const [r] = runCheck(check, [istiod], logOf([forbidden(3), forbidden(1)]));
    expect(r?.status).toBe('fail');
    expect(r?.severity).toBeUndefined();
    expect(r?.summary).toContain('is forbidden to list secrets (RBAC');
  });

  it('names the missing ClusterRole and ties RBAC errors between outages to the API server restart', () => {
    const roleGone = (m: number) =>
      `${ago(m)}\terror\tklog\tk8s.io/client-go@v0.30.1/tools/cache/reflector.go:232: Failed to watch *v1alpha3.Gateway: failed to list *v1alpha3.Gateway: gateways.networking.istio.io is forbidden: User "system:serviceaccount:istio-system:istiod" cannot list resource "gateways" in API group "networking.istio.io" at the cluster scope: RBAC: [clusterrole.rbac.authorization.k8s.io "istiod-clusterrole-istio-system" not found]`;
    const results = runCheck(check, [istiod], logOf([refused(3), roleGone(2), refused(1), roleGone(1)]));
    expect(statuses(results)).toEqual(['fail', 'fail']);
    expect(results[0]?.summary).toContain(
      'is forbidden to list gateways.networking.istio.io (RBAC: ClusterRole istiod-clusterrole-istio-system not found, between API-server outages: the restarted API server may not have its RBAC synced yet)',
    );
    expect(results[1]?.summary).toContain('cannot reach the API server at 10.43.240.1:443 to watch *v1.Pod');
  });

  it('passes, calling it transient, when the errors stopped well before the end of the log', () => {
    const results = runCheck(check, [istiod], logOf([refused(14), refused(13), info(9), info(5), info(1)]));
    expect(statuses(results)).toEqual(['pass']);
    expect(results[0]?.summary).toContain('briefly lost the API server at 10.43.240.1:443: 2 errors');
    expect(results[0]?.summary).toContain('none since');
  });

  it('treats errors older than 15 minutes as past even at the end of a quiet log', () => {
    expect(statuses(runCheck(check, [istiod], logOf([info(60), refused(40)])))).toEqual(['pass']);
  });

  it('without timestamps, judges by position in the log', () => {
    const untimed = (l: string) => l.slice(l.indexOf('\t') + 1);
    const tail = Array.from({ length: 20 }, (_, i) => untimed(info(i)));
    expect(statuses(runCheck(check, [istiod], logOf([untimed(refused(1)), ...tail])))).toEqual(['pass']);
    expect(statuses(runCheck(check, [istiod], logOf([...tail, untimed(refused(1))])))).toEqual(['fail']);
  });

  it('passes on a clean log and skips without istiod', () => {
    expect(runCheck(check, [istiod], logOf([info(2), info(1)]))).toEqual([
      { status: 'pass', summary: `No API-server watch/list errors in 2 lines of discovery logs of ${ISTIOD}`, evidence: [] },
    ]);
    expect(runCheck(check, [pod('app')])).toEqual([{ status: 'skipped', summary: 'No istiod pod runs in this cluster (its control plane is elsewhere)' }]);
  });

  it("classifies the seed's line and its regex `error.*cannot list resource`", () => {
    expect(
      classify('error k8s.io/client-go@v0.18.0/tools/cache/reflector.go:125: Failed to watch *crd.IstioSomeCustomResource`…dial tcp 10.43.240.1:443: connect: connection refused'),
    ).toBe('connectivity');
    expect(classify('error foo: cannot list resource "pods" in API group ""')).toBe('rbac');
    expect(classify('warn Failed to add remote cluster from secret=istio-remote-secret-x: connection refused')).toBeUndefined();
  });
});
