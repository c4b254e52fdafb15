// `mesh-medic sandbox`: serves scenario clusters over the Kubernetes API, writes kubeconfigs and a
// clusters.yaml, prints what to try, and stops cleanly on Ctrl-C / SIGTERM.

import { parseArgs } from 'node:util';
import { MeshMedicError } from '../domain/errors.ts';
import { startSandbox, type Sandbox } from '../sandbox/sandbox.ts';
import { loadScenarios } from '../sandbox/scenarios.ts';
import { SANDBOX_USAGE } from './usage.ts';
import type { ScenarioSpec } from '../sandbox/cluster-spec.ts';

export interface CommandIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}


interface SandboxArgs {
  scenarios: string[] | 'all';
  dir?: string;
  port?: number;
}

export function parseSandboxArgs(argv: string[]): SandboxArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      scenario: { type: 'string', multiple: true },
      dir: { type: 'string' },
      port: { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  const names = values.scenario ?? ['all'];
  const scenarios = names.includes('all') ? 'all' : names;
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) {
    throw new MeshMedicError('USAGE', `--port must be a port number (1-65535), got '${values.port}'\nusage: ${SANDBOX_USAGE}`);
  }
  return { scenarios, dir: values.dir, port };
}

/** Runs until `until` resolves (default: SIGINT or SIGTERM). Returns the exit code. */
export async function runSandboxCommand(
  argv: string[],
  io: CommandIO,
  until: Promise<unknown> = waitForSignal(),
): Promise<number> {
  const args = parseSandboxArgs(argv);
  const specs = loadScenarios(args.scenarios);
  const sandbox = await startSandbox({
    clusters: specs.flatMap((s) => s.clusters),
    meshes: specs.flatMap((s) => s.meshes),
    dir: args.dir,
    port: args.port,
  });
  try {
    io.stdout(describeSandbox(sandbox, specs));
    await until;
    io.stdout('\nstopping sandbox clusters…\n');
  } finally {
    await sandbox.stop();
  }
  return 0;
}

export function describeSandbox(sandbox: Sandbox, specs: ScenarioSpec[]): string {
  const lines = [`sandbox: ${sandbox.clusters.size} clusters from ${specs.length} scenario(s)`, `  files: ${sandbox.dir}`];
  for (const spec of specs) {
    lines.push('', `scenario ${spec.name}: ${firstSentence(spec.description)}`);
    for (const c of spec.clusters) {
      const served = sandbox.cluster(c.name);
      const expect = c.expectFail.length ? `expect: ${c.expectFail.join(', ')}` : 'healthy';
      lines.push(`  ${c.name.padEnd(26)} ${c.role.padEnd(13)} ${served.url}  (${expect})`);
    }
  }
  const example = specs.flatMap((s) => s.clusters).find((c) => c.expectFail.length > 0) ?? specs[0]?.clusters[0];
  if (example) {
    const kubeconfig = sandbox.cluster(example.name).kubeconfigPath;
    lines.push(
      '',
      'try:',
      `  kubectl --kubeconfig ${kubeconfig} get pods -A`,
      `  npx mesh-medic diagnose ${example.name} --clusters ${sandbox.registryPath}`,
      `  MESH_MEDIC_CLUSTERS=${sandbox.registryPath} npx mesh-medic diagnose ${example.name} --json`,
      '',
      `ready: registry ${sandbox.registryPath}; press Ctrl-C to stop`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function firstSentence(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const end = flat.search(/[.!?](\s|$)/);
  return end === -1 ? flat : flat.slice(0, end + 1);
}

function waitForSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const done = (sig: NodeJS.Signals) => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve(sig);
    };
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
  });
}
