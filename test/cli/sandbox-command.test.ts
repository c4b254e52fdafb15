// `mesh-medic sandbox` as a new user runs it: a child process serving hosted-xds-timeout prints its
// clusters and the commands to try; those commands work (kubectl sees the broken gateway, diagnose
// finds the wrong istiod-remote endpoint through the live API); Ctrl-C stops it and frees its ports.
// Bad arguments exit 2 with a message that says what would have been right.

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { USAGE } from '../../src/cli/usage.ts';
import type { Finding } from '../../src/domain/finding.ts';
import { listScenarios } from '../../src/sandbox/scenarios.ts';
import { KUBECTL, requireKubectl } from '../sandbox/kubectl.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(REPO, 'bin', 'mesh-medic.js');
/** No colour decision, registry path or kubeconfig leaks in from the test runner's environment. */
const CLEAN_ENV = { PATH: process.env.PATH ?? '' };
const CLUSTERS = ['hosted-cp', 'hosted-east'];

interface Run {
  code: number | null;
  out: string;
  err: string;
}

/** Runs a program to completion with stdin closed. */
function run(file: string, args: string[], env: NodeJS.ProcessEnv = CLEAN_ENV): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd: REPO, env });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
    child.stdin.end();
  });
}

function meshMedic(args: string[], env?: NodeJS.ProcessEnv): Promise<Run> {
  return run(process.execPath, [BIN, ...args], env);
}

// ---------------------------------------------------------------------------------------------
// the sandbox child process

let dir: string;
let kubectlCache: string;
let sandbox: ChildProcess;
let sandboxOut = '';
let sandboxErr = '';
let exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

/** Resolves with everything printed so far once the `ready` line is out; rejects if the process dies first. */
function untilReady(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', () => {
      if (/^ready\b/m.test(sandboxOut)) resolve(sandboxOut);
    });
    child.on('exit', (code) => reject(new Error(`sandbox exited (${code}) before ready:\n${sandboxOut}${sandboxErr}`)));
  });
}

beforeAll(async () => {
  requireKubectl();
  dir = mkdtempSync(join(tmpdir(), 'mesh-medic-sandbox-cli-'));
  kubectlCache = mkdtempSync(join(tmpdir(), 'kubectl-cache-'));
  sandbox = spawn(process.execPath, [BIN, 'sandbox', '--scenario', 'hosted-xds-timeout', '--dir', dir], {
    cwd: REPO,
    env: CLEAN_ENV,
  });
  sandbox.stdin?.end();
  sandbox.stdout?.on('data', (d) => {
    sandboxOut += d;
  });
  sandbox.stderr?.on('data', (d) => {
    sandboxErr += d;
  });
  exited = new Promise((resolve) => sandbox.on('exit', (code, signal) => resolve({ code, signal })));
  await untilReady(sandbox);
});

afterAll(() => {
  // Only when a test failed before the Ctrl-C test stopped it.
  if (sandbox && sandbox.exitCode === null && sandbox.signalCode === null) sandbox.kill('SIGKILL');
  if (dir) rmSync(dir, { recursive: true, force: true });
  if (kubectlCache) rmSync(kubectlCache, { recursive: true, force: true });
});

function printedLines(): string[] {
  return sandboxOut.split('\n').map((l) => l.trim());
}

/** The printed command line that starts with `prefix`. */
function printedCommand(prefix: string): string {
  const line = printedLines().find((l) => l.startsWith(prefix));
  if (!line) throw new Error(`the sandbox printed no command starting with '${prefix}':\n${sandboxOut}`);
  return line;
}

/** `name role url (expectation)` lines, one per served cluster. */
function clusterLines(): { name: string; role: string; url: string; expectation: string }[] {
  return printedLines().flatMap((l) => {
    const m = /^(\S+)\s+(primary|remote|control-plane)\s+(https:\/\/\S+)\s+\((.*)\)$/.exec(l);
    return m ? [{ name: m[1] as string, role: m[2] as string, url: m[3] as string, expectation: m[4] as string }] : [];
  });
}

function kubeconfigOf(cluster: string): { server: string; token: string } {
  const config = parseYaml(readFileSync(join(dir, 'kubeconfigs', `${cluster}.yaml`), 'utf8'));
  return { server: config.clusters[0].cluster.server, token: config.users[0].user.token };
}

/**
 * Runs a printed `mesh-medic diagnose …` line (`[VAR=value …] npx mesh-medic ARGS`): `npx mesh-medic`
 * is this repository's bin/mesh-medic.js, run directly so npm is not part of what is tested.
 */
function runPrintedDiagnose(line: string, extraArgs: string[] = []): Promise<Run> {
  const words = line.split(/\s+/);
  const env: NodeJS.ProcessEnv = { ...CLEAN_ENV };
  while (words[0]?.includes('=')) {
    const [key, ...value] = (words.shift() as string).split('=');
    env[key as string] = value.join('=');
  }
  expect(words.slice(0, 2)).toEqual(['npx', 'mesh-medic']);
  return meshMedic([...words.slice(2), ...extraArgs], env);
}

function findingOf(report: { findings: Finding[] }, check: string): Finding {
  const finding = report.findings.find((f) => f.check === check);
  if (!finding) throw new Error(`no finding for ${check}`);
  return finding;
}

function refusesConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
  });
}

describe('mesh-medic sandbox --scenario hosted-xds-timeout', () => {
  it('prints one line per cluster with its URL, and the exact commands to try', () => {
    const lines = clusterLines();
    expect(lines.map((l) => [l.name, l.role, l.expectation])).toEqual([
      ['hosted-cp', 'control-plane', 'healthy'],
      ['hosted-east', 'remote', 'expect: istiod-remote-endpoints, gateway-xds-unreachable, gateway-readiness'],
    ]);
    // The printed URL is the one the written kubeconfig uses.
    for (const l of lines) expect(l.url, l.name).toBe(kubeconfigOf(l.name).server);
    const registry = join(dir, 'clusters.yaml');
    expect(printedLines()).toEqual(
      expect.arrayContaining([
        `kubectl --kubeconfig ${join(dir, 'kubeconfigs', 'hosted-east.yaml')} get pods -A`,
        `npx mesh-medic diagnose hosted-east --clusters ${registry}`,
        `MESH_MEDIC_CLUSTERS=${registry} npx mesh-medic diagnose hosted-east --json`,
      ]),
    );
    expect(sandboxErr).toBe('');
  });

  it('prints no bearer token', () => {
    for (const cluster of CLUSTERS) expect(sandboxOut).not.toContain(kubeconfigOf(cluster).token);
  });

  it('the printed kubectl command shows the unready istio-ingressgateway pod', async () => {
    const [, ...args] = printedCommand('kubectl ').split(/\s+/);
    const r = await run(KUBECTL, ['--cache-dir', kubectlCache, ...args]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const rows = r.out.trim().split('\n').map((l) => l.trim().split(/\s+/));
    expect(rows[0]).toEqual(['NAMESPACE', 'NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
    const gateway = rows.filter((row) => row[1]?.startsWith('istio-ingressgateway-'));
    expect(gateway.map((row) => row.slice(0, 1).concat(row.slice(2, 4)))).toEqual([['istio-system', '0/1', 'Running']]);
  });

  it('diagnose --json exits 1 and reports the wrong istiod-remote endpoint with a fix for the live object', async () => {
    const r = await meshMedic(['diagnose', 'hosted-east', '--clusters', join(dir, 'clusters.yaml'), '--json']);
    expect(r.err).toBe('');
    expect(r.code).toBe(1);
    const finding = findingOf(JSON.parse(r.out), 'istiod-remote-endpoints');
    expect(finding.status).toBe('fail');
    expect(finding.evidence).toContainEqual(expect.objectContaining({ cluster: 'hosted-east', name: 'istiod-remote' }));
    const target = finding.remediation?.target;
    expect(target).toMatchObject({ cluster: 'hosted-east', kind: 'Endpoints', namespace: 'istio-system', name: 'istiod-remote' });
    // Read from the live API: the resourceVersion kubectl sees for the same object.
    const live = await run(KUBECTL, [
      '--kubeconfig',
      join(dir, 'kubeconfigs', 'hosted-east.yaml'),
      '--cache-dir',
      kubectlCache,
      'get',
      'endpoints',
      'istiod-remote',
      '-n',
      'istio-system',
      '-o',
      'jsonpath={.metadata.resourceVersion}',
    ]);
    expect(live.code).toBe(0);
    expect(target?.resourceVersion).toMatch(/^\d+$/);
    expect(target?.resourceVersion).toBe(live.out);
  });

  it('the printed MESH_MEDIC_CLUSTERS command finds the same failures', async () => {
    const r = await runPrintedDiagnose(printedCommand('MESH_MEDIC_CLUSTERS='));
    expect(r.code).toBe(1);
    const failed = (JSON.parse(r.out) as { findings: Finding[] }).findings.filter((f) => f.status === 'fail').map((f) => f.check);
    expect(failed.sort()).toEqual(['gateway-readiness', 'gateway-xds-unreachable', 'istiod-remote-endpoints']);
  });

  it('the printed diagnose command prints the failing check and its playbook as text', async () => {
    const r = await runPrintedDiagnose(printedCommand('npx mesh-medic diagnose '));
    expect(r.code).toBe(1);
    // Not a terminal and no FORCE_COLOR: plain text.
    expect(r.out).not.toContain('\u001b[');
    const lines = r.out.split('\n');
    const failLine = lines.findIndex((l) => /^ {2}FAIL\s+\S+\s+istiod-remote-endpoints\s/.test(l));
    expect(failLine, r.out).toBeGreaterThanOrEqual(0);
    // The finding's indented detail lines, up to the next finding or section.
    const details: string[] = [];
    for (const l of lines.slice(failLine + 1)) {
      if (!/^ {4,}\S/.test(l)) break;
      details.push(l.trim());
    }
    expect(details).toEqual(expect.arrayContaining([expect.stringMatching(/^playbook: hosted-control-plane-address\b/)]));
  });

  it('diagnose of an unknown cluster exits 2 naming the known ones', async () => {
    const r = await meshMedic(['diagnose', 'no-such-cluster', '--clusters', join(dir, 'clusters.yaml')]);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toContain("unknown cluster 'no-such-cluster'. Known clusters: hosted-cp, hosted-east");
  });

  it('stops on Ctrl-C with exit code 0 and closes its ports', async () => {
    const ports = clusterLines().map((l) => Number(new URL(l.url).port));
    expect(ports).toHaveLength(CLUSTERS.length);
    sandbox.kill('SIGINT');
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(sandboxOut).toContain('stopping sandbox clusters');
    for (const port of ports) expect(await refusesConnections(port), `port ${port}`).toBe(true);
  });
});

describe('mesh-medic sandbox with bad arguments', () => {
  it('--port abc exits 2 with a usage message', async () => {
    const r = await meshMedic(['sandbox', '--scenario', 'hosted-xds-timeout', '--port', 'abc']);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toContain("--port must be a port number (1-65535), got 'abc'");
    // The same synopsis `mesh-medic help` shows.
    const synopsis = r.err.split('\n').find((l) => l.startsWith('usage: mesh-medic sandbox '));
    expect(synopsis, r.err).toBeDefined();
    expect(USAGE).toContain(`  ${synopsis?.slice('usage: '.length)}\n`);
  });

  it('--scenario nope exits 2 naming the known scenarios', async () => {
    const r = await meshMedic(['sandbox', '--scenario', 'nope']);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toContain("unknown scenario 'nope'");
    const known = listScenarios();
    expect(known).toContain('hosted-xds-timeout');
    for (const name of known) expect(r.err).toContain(name);
  });
});
