// Human-readable rendering of a diagnosis and of the check catalog. Pure: text in, text out, so
// it is tested without a terminal. Colour is a parameter (the caller decides from TTY/NO_COLOR).

import type { Check } from '../checks/types.ts';
import type { Evidence, Finding, Status } from '../domain/finding.ts';
import { countByStatus, type DiagnosisReport, sortFindings } from '../engine/report.ts';
import { type Painter, painter, type Style, scrub } from './ansi.ts';

export interface RenderOptions {
  color: boolean;
  /** The playbook passage quoted under a fail or warn finding, by playbook id. */
  excerpt?: (playbookId: string) => string | undefined;
  /** Evidence lines shown per finding before "…and N more". */
  maxEvidence?: number;
}

const GROUPS: { status: Status; title: string; style: Style }[] = [
  { status: 'fail', title: 'FAILED', style: 'red' },
  { status: 'error', title: 'ERRORS (could not decide)', style: 'magenta' },
  { status: 'warn', title: 'WARNINGS', style: 'yellow' },
  { status: 'pass', title: 'PASSED', style: 'green' },
  { status: 'skipped', title: 'SKIPPED', style: 'gray' },
];

const DETAILED = new Set<Status>(['fail', 'error', 'warn']);
const WITH_PLAYBOOK = new Set<Status>(['fail', 'warn']);

export function renderReport(report: DiagnosisReport, opts: RenderOptions): string {
  const paint = painter(opts.color);
  const findings = sortFindings(report.findings);
  const out = [paint('bold', `Diagnosis of ${scrub(report.cluster)}`) + paint('dim', ` (started ${report.startedAt})`)];
  for (const group of GROUPS) {
    const members = findings.filter((f) => f.status === group.status);
    if (members.length === 0) continue;
    out.push('', paint(group.style, paint('bold', `${group.title} (${members.length})`)));
    for (const f of members) out.push(...renderFinding(f, report.cluster, paint, group.style, opts));
  }
  out.push('', summaryLine(report));
  return `${out.join('\n')}\n`;
}

function renderFinding(f: Finding, cluster: string, paint: Painter, style: Style, opts: RenderOptions): string[] {
  const head = `  ${paint(style, f.status.toUpperCase().padEnd(5))} ${f.severity.padEnd(8)} ${paint('bold', f.check)}  ${scrub(f.summary)}`;
  if (!DETAILED.has(f.status)) return [head];
  const lines = [head];
  const max = opts.maxEvidence ?? 10;
  for (const e of f.evidence.slice(0, max)) lines.push(`      ${paint('dim', '•')} ${evidenceLine(e, cluster)}`);
  if (f.evidence.length > max) lines.push(`      ${paint('dim', `…and ${f.evidence.length - max} more`)}`);
  if (f.remediation) lines.push(`      ${paint('bold', 'proposed fix:')} ${scrub(f.remediation.reason)}`);
  const excerpt = WITH_PLAYBOOK.has(f.status) ? opts.excerpt?.(f.playbook) : undefined;
  lines.push(`      ${paint('dim', `playbook: ${f.playbook} (mesh-medic playbook ${f.playbook})`)}`);
  if (excerpt) for (const l of scrub(excerpt).split('\n')) lines.push(`      ${paint('dim', `│ ${l}`)}`);
  return lines;
}

/** `Endpoints istio-system/istiod-remote subsets[0].addresses[0].ip = 10.0.0.1`, with `@cluster`
 *  when the evidence comes from another cluster than the diagnosed one. */
export function evidenceLine(e: Evidence, diagnosed: string): string {
  const name = e.namespace ? `${e.namespace}/${e.name}` : e.name;
  const where = e.cluster !== diagnosed ? ` @${e.cluster}` : '';
  let line = `${e.kind} ${name}${where}`;
  if (e.field) line += ` ${e.field}`;
  if (e.value !== undefined) line += ` = ${e.value}`;
  if (e.log !== undefined) line += `: ${e.log}`;
  return scrub(line.replace(/\n/g, ' '));
}

export function summaryLine(report: DiagnosisReport): string {
  const c = countByStatus(report.findings);
  const counts = `${c.fail} fail, ${c.error} error, ${c.warn} warn, ${c.pass} pass, ${c.skipped} skipped`;
  const secs = (report.durationMs / 1000).toFixed(1);
  return `${counts} · ${secs} s · ${report.apiCalls} API call${report.apiCalls === 1 ? '' : 's'}`;
}

/** What `mesh-medic checks --json` prints for each check. */
export function catalogEntry(c: Check) {
  return {
    id: c.id,
    title: c.title,
    description: c.description,
    severity: c.severity,
    playbook: c.playbook,
    reads: c.reads,
    peerReads: c.peerReads ?? [],
    readsLogs: c.readsLogs ?? false,
    roles: c.roles ?? ['primary', 'remote', 'control-plane'],
    sources: c.sources,
  };
}

export function renderCatalog(checks: readonly Check[], opts: { color: boolean }): string {
  const paint = painter(opts.color);
  if (checks.length === 0) return 'no checks registered\n';
  const width = Math.max(...checks.map((c) => c.id.length));
  const out: string[] = [];
  for (const c of checks) {
    out.push(`${paint('bold', c.id.padEnd(width))}  ${c.severity.padEnd(8)}  ${c.title}`);
    const reads = [...c.reads, ...(c.readsLogs ? ['pod logs'] : [])].join(', ') || '(nothing)';
    out.push(paint('dim', `${' '.repeat(width)}  playbook ${c.playbook}; reads ${reads}`));
    if (c.peerReads?.length) out.push(paint('dim', `${' '.repeat(width)}  from mesh peers: ${c.peerReads.join(', ')}`));
  }
  out.push('', `${checks.length} check${checks.length === 1 ? '' : 's'}`);
  return `${out.join('\n')}\n`;
}
