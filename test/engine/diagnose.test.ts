import { describe, expect, it } from 'vitest';
import { MeshMedicError } from '../../src/domain/errors.ts';
import type { Finding } from '../../src/domain/finding.ts';
import { diagnose } from '../../src/engine/diagnose.ts';
import type { DiagnosisProgress } from '../../src/engine/report.ts';
import { offlineSnapshotSource, type SnapshotRequest, type SnapshotSource } from '../../src/k8s/snapshot-source.ts';
import type { Snapshot } from '../../src/k8s/snapshot.ts';
import { fakeCheck, registryOf, results, spec } from './fixtures.ts';

const single = [spec('solo')];

function run(checks: Parameters<typeof diagnose>[0]['checks'], extra: Partial<Parameters<typeof diagnose>[0]> = {}) {
  return diagnose({ registry: registryOf(single), cluster: 'solo', source: offlineSnapshotSource(single), checks, ...extra });
}

const byCheck = (findings: Finding[], id: string) => findings.filter((f) => f.check === id);

describe('diagnose (offline source, fake checks)', () => {
  it('fills in check, cluster, playbook and defaults, and turns an empty result into a pass', async () => {
    const report = await run([
      fakeCheck('quiet', results()),
      fakeCheck('loud', results({ status: 'fail', summary: 'broken', evidence: [{ cluster: 'solo', kind: 'Pod', name: 'x' }] })),
    ]);
    expect(report.cluster).toBe('solo');
    expect(report.apiCalls).toBe(0);
    expect(report.findings).toEqual([
      {
        check: 'loud',
        cluster: 'solo',
        status: 'fail',
        severity: 'high',
        summary: 'broken',
        evidence: [{ cluster: 'solo', kind: 'Pod', name: 'x' }],
        playbook: 'pb-loud',
        remediation: null,
      },
      {
        check: 'quiet',
        cluster: 'solo',
        status: 'pass',
        severity: 'info',
        summary: 'no problems found',
        evidence: [],
        playbook: 'pb-quiet',
        remediation: null,
      },
    ]);
  });

  it('gives checks the snapshot of what they declared', async () => {
    const report = await run([
      fakeCheck('count-pods', (snap) => [{ status: 'pass', summary: `${snap.list('pods').length} pods` }]),
    ]);
    expect(report.findings[0]?.summary).toBe('1 pods');
  });

  it('turns a crashing check into an error finding and still runs the others', async () => {
    const report = await run([
      fakeCheck('crashes', () => {
        throw new TypeError('cannot read properties of undefined');
      }),
      fakeCheck('fine', results({ status: 'warn', summary: 'meh' })),
    ]);
    expect(byCheck(report.findings, 'crashes')).toEqual([
      expect.objectContaining({
        status: 'error',
        severity: 'high',
        summary: 'check crashed (CHECK_CRASHED): TypeError: cannot read properties of undefined',
      }),
    ]);
    expect(byCheck(report.findings, 'fine')[0]?.status).toBe('warn');
  });

  it('reports a read the check needed but could not get as an error naming the kind and permission', async () => {
    const specs = [
      spec('solo', {
        faults: { rules: [{ match: { verb: 'list', resource: 'services' }, action: { status: 403 } }] },
      }),
    ];
    const report = await diagnose({
      registry: registryOf(specs),
      cluster: 'solo',
      source: offlineSnapshotSource(specs),
      checks: [
        fakeCheck('needs-services', (s) => [{ status: 'pass', summary: `${s.list('services').length}` }], { reads: ['services'] }),
        fakeCheck('needs-pods', (s) => [{ status: 'pass', summary: `${s.list('pods').length} pods` }]),
      ],
    });
    const error = byCheck(report.findings, 'needs-services')[0]!;
    expect(error.status).toBe('error');
    expect(error.summary).toContain('could not read services from cluster solo');
    expect(error.summary).toContain('needs `list` on `services` (API group "") in all namespaces');
    expect(byCheck(report.findings, 'needs-pods')[0]).toMatchObject({ status: 'pass', summary: '1 pods' });
  });

  it('reports a kind the check did not declare as an error, so undeclared reads are caught', async () => {
    const report = await run([fakeCheck('sneaky', (s) => [{ status: 'pass', summary: `${s.list('services').length}` }])]);
    expect(report.findings[0]).toMatchObject({ status: 'error' });
    expect(report.findings[0]?.summary).toContain('services was not read for this diagnosis');
  });

  it('skips checks whose roles exclude the cluster role, without running them', async () => {
    let ran = false;
    const report = await run([
      fakeCheck(
        'remote-only',
        () => {
          ran = true;
          return [];
        },
        { roles: ['remote'] },
      ),
    ]);
    expect(ran).toBe(false);
    expect(report.findings).toEqual([
      expect.objectContaining({
        check: 'remote-only',
        status: 'skipped',
        severity: 'info',
        summary: 'not applicable to primary clusters (applies to remote)',
      }),
    ]);
  });

  it('rejects an unknown check id, listing the valid ones', async () => {
    const checks = [fakeCheck('alpha-check', results()), fakeCheck('beta-check', results())];
    const err = await run(checks, { checkIds: ['alpah-check'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MeshMedicError);
    expect((err as MeshMedicError).code).toBe('UNKNOWN_CHECK');
    expect((err as MeshMedicError).message).toBe(
      "unknown check 'alpah-check'. Did you mean 'alpha-check'? Valid checks: alpha-check, beta-check.",
    );
  });

  it('rejects an unknown cluster with UNKNOWN_CLUSTER', async () => {
    const err = await run([], { cluster: 'sol' }).catch((e: unknown) => e);
    expect((err as MeshMedicError).code).toBe('UNKNOWN_CLUSTER');
  });

  it('runs only the selected checks', async () => {
    const checks = [fakeCheck('alpha-check', results()), fakeCheck('beta-check', results())];
    const report = await run(checks, { checkIds: ['beta-check'] });
    expect(report.findings.map((f) => f.check)).toEqual(['beta-check']);
  });

  it('reports progress after each check', async () => {
    const seen: DiagnosisProgress[] = [];
    await run(
      [
        fakeCheck('a-check', results({ status: 'pass', summary: 'ok' }, { status: 'fail', summary: 'bad' })),
        fakeCheck('b-check', results(), { roles: ['remote'] }),
        fakeCheck('c-check', results()),
      ],
      { onProgress: (p) => void seen.push(p) },
    );
    expect(seen.map((p) => [p.done, p.total, p.check, p.finding.status, p.findings.length])).toEqual([
      [1, 3, 'b-check', 'skipped', 1],
      [2, 3, 'a-check', 'fail', 2],
      [3, 3, 'c-check', 'pass', 1],
    ]);
  });

  it('orders findings by status, then severity, then check id', async () => {
    const report = await run([
      fakeCheck('z-pass', results()),
      fakeCheck('y-warn', results({ status: 'warn', summary: 'w' })),
      fakeCheck('b-fail-low', results({ status: 'fail', summary: 'f', severity: 'low' })),
      fakeCheck('a-fail-low', results({ status: 'fail', summary: 'f', severity: 'low' })),
      fakeCheck('c-fail-critical', results({ status: 'fail', summary: 'f', severity: 'critical' })),
      fakeCheck('d-error', () => {
        throw new Error('x');
      }),
      fakeCheck('e-skipped', results(), { roles: ['control-plane'] }),
    ]);
    expect(report.findings.map((f) => f.check)).toEqual([
      'c-fail-critical',
      'a-fail-low',
      'b-fail-low',
      'd-error',
      'y-warn',
      'z-pass',
      'e-skipped',
    ]);
  });

  it('loads the cluster once with the union of reads, and peers once each only when needed', async () => {
    const specs = [
      spec('cp', { role: 'control-plane' }),
      spec('east', { role: 'remote', controlPlane: 'cp' }),
      spec('west', { role: 'remote', controlPlane: 'cp' }),
      spec('elsewhere', { mesh: 'other' }),
    ];
    const offline = offlineSnapshotSource(specs);
    const loads: { cluster: string; req: SnapshotRequest }[] = [];
    const source: SnapshotSource = {
      ...offline,
      load: (c, req) => {
        loads.push({ cluster: c.name, req });
        return offline.load(c, req);
      },
    };
    const registry = registryOf(specs);
    const peerCheck = fakeCheck(
      'peer-check',
      (_s, ctx) => [{ status: 'pass', summary: [...ctx.peers.keys()].sort().join(',') }],
      { reads: ['services'], peerReads: ['pods'] },
    );
    const report = await diagnose({
      registry,
      cluster: 'east',
      source,
      checks: [fakeCheck('a-check', results(), { readsLogs: true }), fakeCheck('b-check', results()), peerCheck],
    });
    expect(byCheck(report.findings, 'peer-check')[0]?.summary).toBe('cp,west');
    const own = loads.filter((l) => l.cluster === 'east');
    expect(own).toHaveLength(1);
    expect(own[0]?.req).toMatchObject({ kinds: ['pods', 'services'], logs: true });
    expect(loads.filter((l) => l.cluster !== 'east').map((l) => [l.cluster, l.req.kinds, l.req.logs]).sort()).toEqual([
      ['cp', ['pods'], false],
      ['west', ['pods'], false],
    ]);

    loads.length = 0;
    await diagnose({ registry, cluster: 'east', source, checks: [fakeCheck('b-check', results())] });
    expect(loads.map((l) => l.cluster)).toEqual(['east']);
  });

  it('passes a peer that failed to load as a snapshot whose failures say so', async () => {
    const specs = [spec('cp', { role: 'control-plane' }), spec('east', { role: 'remote', controlPlane: 'cp' })];
    const offline = offlineSnapshotSource(specs);
    const source: SnapshotSource = {
      ...offline,
      load: async (c, req): Promise<Snapshot> => {
        if (c.name === 'cp') throw new MeshMedicError('K8S_UNREACHABLE', 'cannot reach https://cp.example: connection refused');
        return offline.load(c, req);
      },
    };
    const report = await diagnose({
      registry: registryOf(specs),
      cluster: 'east',
      source,
      checks: [fakeCheck('peer-check', (_s, ctx) => [{ status: 'pass', summary: `${ctx.peers.get('cp')!.list('services').length}` }], { peerReads: ['services'] })],
    });
    expect(report.findings[0]).toMatchObject({ status: 'error' });
    expect(report.findings[0]?.summary).toBe(
      'could not read services from cluster cp: cannot reach https://cp.example: connection refused',
    );
  });

  it('does not run checks against an unreachable cluster; cluster-access still runs', async () => {
    const specs = [spec('solo', { faults: { refuseConnections: true } })];
    const report = await diagnose({
      registry: registryOf(specs),
      cluster: 'solo',
      source: offlineSnapshotSource(specs),
      checks: [
        fakeCheck('cluster-access', (s) => [{ status: 'fail', summary: s.data.failures[0]!.message }], { severity: 'critical' }),
        fakeCheck('other', () => {
          throw new Error('must not run');
        }),
      ],
    });
    expect(report.findings.map((f) => [f.check, f.status])).toEqual([
      ['cluster-access', 'fail'],
      ['other', 'error'],
    ]);
    expect(byCheck(report.findings, 'other')[0]?.summary).toMatch(/^not run: cluster unreachable \(cannot reach .*connection refused/);
  });

  it('fills apiServers from the source (none offline)', async () => {
    const report = await run([fakeCheck('servers', (_s, ctx) => [{ status: 'pass', summary: `${ctx.apiServers.size}` }])]);
    expect(report.findings[0]?.summary).toBe('0');
  });
});
