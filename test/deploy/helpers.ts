// Shared by the deployment tests: repository paths, `kubectl kustomize`, a small Dockerfile reader
// and the variable names src/config/env.ts validates.

import { execFileSync } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import type { K8sObject } from '../../src/domain/k8s-object.ts';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const KUBECTL = '/usr/bin/kubectl';

export function repoFile(path: string): string {
  return readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
}

/** `kubectl kustomize DIR` parsed into objects. Throws (the test fails) when kubectl is missing. */
export function kustomize(dir: string): K8sObject[] {
  accessSync(KUBECTL, constants.X_OK);
  const out = execFileSync(KUBECTL, ['kustomize', dir], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return parseYamlStream(out);
}

export function parseYamlStream(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((d) => {
      if (d.errors.length > 0) throw new Error(d.errors.map((e) => e.message).join('\n'));
      return d.toJS() as K8sObject | null;
    })
    .filter((o): o is K8sObject => o !== null);
}

export interface DockerInstruction {
  /** Upper-case instruction, e.g. COPY. */
  op: string;
  /** Everything after the instruction, continuation lines joined. */
  args: string;
  /** Index of the build stage (FROM) it belongs to; -1 before the first FROM. */
  stage: number;
}

/** Instructions of a Dockerfile: comments dropped, `\` continuations joined. */
export function parseDockerfile(text: string): DockerInstruction[] {
  const logical: string[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) continue;
    if (line.startsWith('#')) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1).trim()} `;
      continue;
    }
    logical.push(`${pending}${line}`.trim());
    pending = '';
  }
  if (pending) logical.push(pending.trim());
  let stage = -1;
  return logical.map((l) => {
    const m = /^(\S+)\s*(.*)$/.exec(l)!;
    const op = m[1]!.toUpperCase();
    if (op === 'FROM') stage++;
    return { op, args: m[2]!, stage };
  });
}

/** JSON exec form (`["node", "x"]`) or shell form split on whitespace. */
export function commandWords(args: string): string[] {
  const trimmed = args.trim();
  if (trimmed.startsWith('[')) return JSON.parse(trimmed) as string[];
  return trimmed.split(/\s+/);
}

/** The mesh-medic subcommand a container command runs (`node bin/mesh-medic.js worker` -> worker). */
export function meshMedicCommand(words: readonly string[]): string | undefined {
  const i = words.findIndex((w) => /(^|\/)mesh-medic(\.js)?$/.test(w));
  return i === -1 ? undefined : words[i + 1];
}

/**
 * The variables src/config/env.ts validates: the keys of every shape spread into `envSchema`
 * (`const envSchema = z.object({ ...CLUSTER_ACCESS, ...BOT })`, each `const NAME = { KEY: ... }`).
 */
export function envVariablesOf(source: string): string[] {
  const schema = /const envSchema = z\.object\(\{([^}]*)\}\)/.exec(source);
  if (!schema) throw new Error('src/config/env.ts: cannot find `const envSchema = z.object({ ... })`');
  const shapes = [...schema[1]!.matchAll(/\.\.\.([A-Z_][A-Z0-9_]*)/g)].map((m) => m[1]!);
  if (shapes.length === 0) throw new Error('src/config/env.ts: envSchema spreads no shapes');
  return shapes.flatMap((name) => {
    const start = source.indexOf(`const ${name} = {`);
    if (start === -1) throw new Error(`src/config/env.ts: cannot find shape ${name}`);
    const end = source.indexOf('\n};', start);
    const body = source.slice(start, end);
    return [...body.matchAll(/^ {2}([A-Z][A-Z0-9_]*)\s*:/gm)].map((m) => m[1]!);
  });
}

/** `KEY=value` and commented-out `# KEY=value` lines of an env file, by key. */
export function envFileEntries(text: string): Map<string, { value: string; commented: boolean; line: number }> {
  const out = new Map<string, { value: string; commented: boolean; line: number }>();
  text.split('\n').forEach((line, i) => {
    const m = /^(#\s*)?([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (m) out.set(m[2]!, { value: m[3]!, commented: Boolean(m[1]), line: i });
  });
  return out;
}
