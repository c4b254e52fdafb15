// `mesh-medic diagnose <cluster> [--clusters FILE] [--check ID ...] [--json]`

import { parseArgs } from 'node:util';
import { readEnv } from '../config/env.ts';
import { loadRegistry, resolveRegistryPath } from '../config/registry.ts';
import { MeshMedicError } from '../domain/errors.ts';
import { diagnose } from '../engine/diagnose.ts';
import type { DiagnosisReport } from '../engine/report.ts';
import { liveSnapshotSource } from '../k8s/snapshot-source.ts';
import { excerptFor, findPlaybook, loadPlaybooks, type Playbook } from '../playbooks/index.ts';
import type { CliDeps, CliIo } from './io.ts';
import { renderReport } from './render-text.ts';
import { DIAGNOSE_USAGE } from './usage.ts';

export async function diagnoseCommand(argv: string[], io: CliIo, deps: CliDeps = {}): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      clusters: { type: 'string' },
      check: { type: 'string', multiple: true },
      json: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: true,
  });
  if (positionals.length !== 1) {
    throw new MeshMedicError('USAGE', `expected one cluster name, got ${positionals.length}\nusage: ${DIAGNOSE_USAGE}`);
  }
  const config = readEnv(io.env);
  const registry = loadRegistry(resolveRegistryPath({ flag: values.clusters, env: config.clustersPath, cwd: io.cwd }));
  const source = liveSnapshotSource(registry, config.k8s);
  let report: DiagnosisReport;
  try {
    report = await diagnose({ registry, cluster: positionals[0]!, checkIds: values.check, source, checks: deps.checks });
  } finally {
    await source.close();
  }
  if (values.json) io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  else io.stdout(renderReport(report, { color: config.color ?? io.isTTY, excerpt: excerpts(io) }));
  return report.findings.some((f) => f.status === 'fail') ? 1 : 0;
}

/** Playbook excerpts for the text report. A broken playbook must not block a diagnosis during an
 *  incident: the report goes out without excerpts and the problem is said on stderr. */
function excerpts(io: CliIo): (id: string) => string | undefined {
  let playbooks: Playbook[];
  try {
    playbooks = loadPlaybooks();
  } catch (err) {
    io.stderr(`warning: playbook excerpts left out: ${err instanceof Error ? err.message : String(err)}\n`);
    return () => undefined;
  }
  return (id) => {
    const playbook = findPlaybook(playbooks, id);
    return playbook ? excerptFor(playbook) : undefined;
  };
}
