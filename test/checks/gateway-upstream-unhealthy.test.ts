import { describe, expect, it } from 'vitest';
import { check } from '../../src/checks/gateway-upstream-unhealthy.ts';
import { parseAccessLog } from '../../src/checks/lib/access-log.ts';
import { buildSnapshot } from '../../src/k8s/build-snapshot.ts';
import { NOW, ago, context, pod, runCheck, statuses } from './workload-fixtures.ts';

const GW = 'istio-ingressgateway-b96f848b7-zfdqr';
const gateway = pod(GW, {
  namespace: 'istio-system',
  labels: { app: 'istio-ingressgateway', istio: 'ingressgateway' },
  containers: [{ name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.22.0' }],
  initContainers: [],
});
const V1 = 'outbound|80|v1|review.review.svc.cluster.local';

function access(minutesAgo: number, code: number, flags: string, details: string, cluster: string, authority = 'review.example.com'): string {
  return `[${ago(minutesAgo)}] "GET /reviews HTTP/1.1" ${code} ${flags} ${details} - "-" 0 19 0 - "10.0.0.5" "curl/8.0" "5f1c-${minutesAgo}" "${authority}" "-" ${cluster} - 10.244.0.5:8080 10.244.0.1:54321 - -`;
}

function logOf(lines: string[]) {
  return [{ namespace: 'istio-system', pod: GW, container: 'istio-proxy', text: `${lines.join('\n')}\n` }];
}

describe('gateway-upstream-unhealthy', () => {
  it('fails on recent 503 UH lines, grouped by Envoy cluster with a count and quoted lines', () => {
    const lines = [access(10, 200, '-', 'via_upstream', 'outbound|80||rating.review.svc.cluster.local'), ...[6, 4, 2].map((m) => access(m, 503, 'UH', 'no_healthy_upstream', V1))];
    const [r, ...rest] = runCheck(check, [gateway], { logs: logOf(lines) });
    expect(rest).toEqual([]);
    expect(r?.status).toBe('fail');
    expect(r?.summary).toBe(
      `Gateway istio-system/${GW} answered 3 requests with 503 UH (no healthy upstream) for ${V1} in the last 15 minutes, last at ${ago(2)}; no successful response to it since`,
    );
    expect(r?.evidence?.[0]).toEqual({ cluster: 'test-east', kind: 'Pod', namespace: 'istio-system', name: GW, field: 'log[istio-proxy]', log: lines[1] });
    expect(r?.evidence?.at(-1)?.log).toBe(lines[3]);
  });

  it('ignores failures older than 15 minutes and passes, counting the recent access-log lines', () => {
    const lines = [access(40, 503, 'UH', 'no_healthy_upstream', V1), access(3, 200, '-', 'via_upstream', V1)];
    const results = runCheck(check, [gateway], { logs: logOf(lines) });
    expect(statuses(results)).toEqual(['pass']);
    expect(results[0]?.summary).toBe(`No 502/503 UH/UF/NR/NC responses in 1 access-log line of the last 15 minutes from 1 gateway pod (${GW})`);
  });

  it('warns (not fails) when the upstream answered successfully after repeated failures', () => {
    const lines = [...[9, 8, 7].map((m) => access(m, 503, 'UH', 'no_healthy_upstream', V1)), access(5, 200, '-', 'via_upstream', V1)];
    const [r] = runCheck(check, [gateway], { logs: logOf(lines) });
    expect(r?.status).toBe('warn');
    expect(r?.summary).toContain('later requests to it succeeded');
  });

  it('does not report 404 NR from clients asking for unknown hosts (scanners hit every ingress)', () => {
    const lines = [access(2, 404, 'NR', 'route_not_found', '-', 'wp-admin.example.com'), access(1, 200, '-', 'via_upstream', V1)];
    expect(statuses(runCheck(check, [gateway], { logs: logOf(lines) }))).toEqual(['pass']);
  });

  it('groups 503 NR without a cluster by requested host, and reads TCP UF and JSON-encoded lines', () => {
    const json = JSON.stringify({ start_time: ago(1), response_code: 503, response_flags: 'UF,URX', upstream_cluster: 'outbound|9080||ratings.bookinfo.svc.cluster.local', authority: 'ratings' });
    const tcp = `[${ago(2)}] "- - -" 0 UF - - "-" 0 0 1 - "-" "-" "-" "-" "10.8.0.9:15443" outbound|3306||mysql.db.svc.cluster.local - 10.0.0.1:3306 10.0.0.2:4000 - -`;
    const results = runCheck(check, [gateway], { logs: logOf([access(3, 503, 'NR', 'route_not_found', '-', 'shop.example.com'), json, tcp]) });
    expect(results.map((r) => r.summary.replace(/ in the last.*/, ''))).toEqual([
      `Gateway istio-system/${GW} answered 1 request with 503 NR (no route) for (no upstream cluster) host shop.example.com`,
      `Gateway istio-system/${GW} answered 1 request with 503 UF (upstream connection failure) for outbound|9080||ratings.bookinfo.svc.cluster.local`,
      `Gateway istio-system/${GW} answered 1 request with TCP UF (upstream connection failure) for outbound|3306||mysql.db.svc.cluster.local`,
    ]);
  });

  it("counts Envoy's `no healthy host for HTTP connection pool` debug lines (seed 003)", () => {
    const lines = [`${ago(1).replace('.000Z', '.106645Z')} debug envoy upstream no healthy host for HTTP connection pool`];
    const [r] = runCheck(check, [gateway], { logs: logOf(lines) });
    expect(r?.status).toBe('fail');
    expect(r?.summary).toContain('for (upstream not named in the log line)');
  });

  it('folds the debug lines into the access-log group they corroborate instead of a second finding', () => {
    const debug = `${ago(1).replace('.000Z', '.106645Z')}\tdebug\tenvoy upstream\tno healthy host for HTTP connection pool`;
    const results = runCheck(check, [gateway], { logs: logOf([access(2, 503, 'UH', 'no_healthy_upstream', V1), debug]) });
    expect(statuses(results)).toEqual(['fail']);
    expect(results[0]?.summary).toContain(`1 request with 503 UH (no healthy upstream) for ${V1}`);
    expect(results[0]?.evidence?.map((e) => e.log)).toEqual([access(2, 503, 'UH', 'no_healthy_upstream', V1), debug]);
  });

  it('skips without gateways, and when the log holds no access-log lines', () => {
    expect(runCheck(check, [pod('app-1')])).toEqual([{ status: 'skipped', summary: 'No ingress, east-west or egress gateway pods in this cluster' }]);
    const [r] = runCheck(check, [gateway], { logs: logOf([`${ago(1)}\tinfo\tEnvoy proxy is ready`]) });
    expect(r?.status).toBe('skipped');
    expect(r?.summary).toContain('hold no access-log lines');
  });

  it('reports an error naming the failed log read', () => {
    const snapshot = buildSnapshot({
      cluster: 'test-east',
      objects: [gateway],
      takenAt: NOW,
      failures: [
        {
          kind: 'pods/log',
          log: { namespace: 'istio-system', pod: GW, container: 'istio-proxy', previous: false },
          code: 'K8S_FORBIDDEN',
          message: 'get pods/log in istio-system is forbidden',
        },
      ],
    });
    const [r] = check.run(snapshot, context());
    expect(r?.status).toBe('error');
    expect(r?.summary).toBe(`Could not read the gateway istio-proxy logs: ${GW}: get pods/log in istio-system is forbidden`);
  });
});

describe('parseAccessLog', () => {
  it('reads code, flags, details, authority and cluster from the default TEXT format', () => {
    expect(parseAccessLog(access(1, 503, 'UH', 'no_healthy_upstream', V1))).toEqual({
      code: 503,
      flags: ['UH'],
      details: 'no_healthy_upstream',
      upstreamCluster: V1,
      authority: 'review.example.com',
    });
  });

  it('is not fooled by ordinary Istio log lines with brackets and quotes', () => {
    expect(parseAccessLog(`${ago(1)}\twarn\txdsproxy\t[conn 12] "upstream" closed 503 times`)).toBeUndefined();
  });
});
