import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import type { Check } from '../../src/checks/types.ts';
import { loadPlaybooks } from '../../src/playbooks/index.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox.ts';
import { fakeCheck } from '../engine/fixtures.ts';
import { clusterSpec, pod } from '../k8s/helpers.ts';
import { captureIo } from './helpers.ts';

let sandbox: Sandbox;

const countPods: Check = fakeCheck('count-pods', (s) => [{ status: 'pass', summary: `${s.list('pods').length} pods` }]);
const alwaysFails: Check = fakeCheck(
  'always-fails',
  (s) => [
    {
      status: 'fail',
      summary: 'something is broken',
      evidence: [{ cluster: s.cluster, kind: 'Pod', namespace: 'default', name: 'web-1', field: 'metadata.labels.version', value: '(missing)' }],
    },
  ],
  { severity: 'critical' },
);
const crashes: Check = fakeCheck('crashes', () => {
  throw new Error('boom');
});

beforeAll(async () => {
  sandbox = await startSandbox({
    meshes: [{ id: 'test-mesh' }],
    clusters: [clusterSpec('cli-east', [pod('default', 'web-1')]), clusterSpec('cli-west', [])],
  });
});

afterAll(async () => {
  await sandbox?.stop();
});

async function run(argv: string[], opts: Parameters<typeof captureIo>[0] = {}, checks?: readonly Check[]) {
  const io = captureIo(opts);
  const code = await main(argv, io, checks ? { checks } : {});
  return { code, out: io.out(), err: io.err() };
}

describe('mesh-medic diagnose (in-process)', () => {
  it('exits 0 and prints a report when nothing fails', async () => {
    const r = await run(['diagnose', 'cli-east', '--clusters', sandbox.registryPath], {}, [countPods]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('Diagnosis of cli-east');
    expect(r.out).toContain('PASS  info     count-pods  1 pods');
    expect(r.out).toMatch(/0 fail, 0 error, 0 warn, 1 pass, 0 skipped · \d+\.\d s · 1 API call\n$/);
    expect(r.err).toBe('');
  });

  it('exits 1 when a check fails, showing its evidence', async () => {
    const r = await run(['diagnose', 'cli-east', '--clusters', sandbox.registryPath], {}, [countPods, alwaysFails]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('FAIL  critical always-fails  something is broken');
    expect(r.out).toContain('• Pod default/web-1 metadata.labels.version = (missing)');
  });

  it('exits 0 when the only problem is an error finding', async () => {
    const r = await run(['diagnose', 'cli-east', '--clusters', sandbox.registryPath], {}, [crashes]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('check crashed (CHECK_CRASHED): Error: boom');
  });

  it('--json prints exactly one JSON document with the documented fields', async () => {
    const r = await run(['diagnose', 'cli-east', '--clusters', sandbox.registryPath, '--json'], {}, [countPods, alwaysFails]);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.out);
    expect(Object.keys(doc).sort()).toEqual(['apiCalls', 'cluster', 'durationMs', 'findings', 'startedAt']);
    expect(doc.cluster).toBe('cli-east');
    expect(Number.isNaN(Date.parse(doc.startedAt))).toBe(false);
    expect(doc.apiCalls).toBe(1);
    expect(doc.findings.map((f: { check: string; status: string }) => [f.check, f.status])).toEqual([
      ['always-fails', 'fail'],
      ['count-pods', 'pass'],
    ]);
    expect(Object.keys(doc.findings[0]).sort()).toEqual(
      ['check', 'cluster', 'evidence', 'playbook', 'remediation', 'severity', 'status', 'summary'].sort(),
    );
    expect(doc.findings[0].remediation).toBeNull();
  });

  it('runs only the checks named with --check', async () => {
    const r = await run(
      ['diagnose', 'cli-east', '--clusters', sandbox.registryPath, '--check', 'count-pods', '--json'],
      {},
      [countPods, alwaysFails],
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).findings.map((f: { check: string }) => f.check)).toEqual(['count-pods']);
  });

  it('finds the registry through MESH_MEDIC_CLUSTERS', async () => {
    const r = await run(['diagnose', 'cli-west', '--json'], { env: { MESH_MEDIC_CLUSTERS: sandbox.registryPath } }, [countPods]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).findings[0].summary).toBe('0 pods');
  });

  it('exits 2 for an unknown cluster, naming the known ones', async () => {
    const r = await run(['diagnose', 'cli-est', '--clusters', sandbox.registryPath], {}, [countPods]);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toContain("unknown cluster 'cli-est'. Known clusters: cli-east, cli-west. Did you mean 'cli-east'?");
  });

  it('exits 2 for an unknown check, listing valid ones', async () => {
    const r = await run(['diagnose', 'cli-east', '--clusters', sandbox.registryPath, '--check', 'nope'], {}, [countPods]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("unknown check 'nope'. Valid checks: count-pods.");
  });

  it('exits 2 for a missing registry, naming the path', async () => {
    const r = await run(['diagnose', 'cli-east', '--clusters', '/nonexistent/clusters.yaml']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('REGISTRY_INVALID');
    expect(r.err).toContain('/nonexistent/clusters.yaml: 1 problem');
  });

  it('exits 2 for usage errors', async () => {
    expect((await run(['diagnose'])).code).toBe(2);
    const bad = await run(['diagnose', 'cli-east', '--jsn']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("Unknown option '--jsn'");
  });

  it('colours on a TTY unless NO_COLOR is set', async () => {
    const argv = ['diagnose', 'cli-east', '--clusters', sandbox.registryPath];
    expect((await run(argv, { isTTY: true }, [countPods])).out).toContain('\u001b[32m');
    expect((await run(argv, { isTTY: true, env: { NO_COLOR: '1' } }, [countPods])).out).not.toContain('\u001b[');
    expect((await run(argv, { isTTY: false }, [countPods])).out).not.toContain('\u001b[');
  });
});

describe('mesh-medic checks / playbook / help', () => {
  it('lists the catalog, as text and as JSON', async () => {
    const text = await run(['checks'], {}, [countPods, alwaysFails]);
    expect(text.code).toBe(0);
    expect(text.out).toContain('always-fails  critical  fake always-fails');
    const json = await run(['checks', '--json'], {}, [countPods]);
    expect(JSON.parse(json.out)).toEqual([
      expect.objectContaining({ id: 'count-pods', title: 'fake count-pods', severity: 'high', playbook: 'pb-count-pods', reads: ['pods'] }),
    ]);
  });

  it('prints a playbook, and exits 2 for an unknown one with a suggestion', async () => {
    const first = loadPlaybooks()[0]!;
    const r = await run(['playbook', first.id]);
    expect(r.code).toBe(0);
    expect(r.out).toContain(first.title);
    expect(r.out).toContain('SYMPTOMS');
    const typo = await run(['playbook', `${first.id}x`]);
    expect(typo.code).toBe(2);
    expect(typo.err).toContain(`unknown playbook '${first.id}x'. Did you mean '${first.id}'?`);
  });

  it('prints usage for help and exits 2 with usage for an unknown command', async () => {
    const help = await run(['help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('mesh-medic diagnose <cluster> [--clusters FILE] [--check ID ...] [--json]');
    const unknown = await run(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain("unknown command 'frobnicate'");
    expect(unknown.err).toContain('usage: mesh-medic <command>');
  });
});
