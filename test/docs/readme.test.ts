// The README is part of the product: its set-up commands, check catalog, configuration table,
// commands, images and links must match the code and the repository.

import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseWebhookBody } from '../../src/alerts/schema.ts';
import { CHECKS } from '../../src/checks/index.ts';
import { COMMANDS } from '../../src/cli/main.ts';
import { withCheckTable } from '../../src/docs/check-table.ts';
import { REMEDIATIONS } from '../../src/remediations/index.ts';
import { METRIC_NAMES } from '../../src/server/metrics.ts';
import { SUBCOMMANDS } from '../../src/slack/commands/subcommands.ts';
import { envVariablesOf, repoFile, ROOT } from '../deploy/helpers.ts';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** The text of a `## ` section, up to the next one; fails the test when it is missing. */
function section(heading: string): string {
  const start = readme.indexOf(`\n## ${heading}\n`);
  if (start === -1) throw new Error(`README.md has no "## ${heading}" section`);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end === -1 ? undefined : end);
}

/** Markdown outside fenced code blocks (where `[x](y)` is not a link). */
function prose(text: string): string {
  return text.replace(/^```[^\n]*\n[\s\S]*?^```$/gm, '');
}

/** First-column `code` cells of the markdown table rows in `text`. */
function firstColumnNames(text: string): string[] {
  return [...text.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]!);
}

/** GitHub's heading anchors: lowercase, punctuation dropped, spaces to hyphens. */
function anchorOf(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

describe('README.md', () => {
  it('carries the check catalog as generated from the code (run `npm run docs` to refresh)', () => {
    expect(readme).toBe(withCheckTable(readme, CHECKS));
    for (const check of CHECKS) expect(readme).toContain(`\`${check.id}\``);
  });

  it('gives exactly the two set-up commands: run and test', () => {
    const setup = readme.slice(readme.indexOf('## Quick start'), readme.indexOf('\n## ', readme.indexOf('## Quick start') + 1));
    const commands = [...setup.matchAll(/```(?:bash|sh)\n([\s\S]*?)```/g)].map((m) => m[1]!.trim());
    expect(commands).toEqual(['npm ci && npm start', 'npm ci && npm test']);
    const ci = readFileSync(new URL('../../.ci/run', import.meta.url), 'utf8');
    expect(ci).toMatch(/npm test/);
  });

  it('documents every environment variable src/config/env.ts reads, and no other, in the configuration table', () => {
    const variables = envVariablesOf(repoFile('src/config/env.ts')).filter((name) => name !== 'PATH');
    expect(variables.length).toBeGreaterThan(10);
    const documented = firstColumnNames(section('Configuration reference'));
    expect([...documented].sort()).toEqual([...variables].sort());
  });

  it('documents every mesh-medic command', () => {
    const names = Object.keys(COMMANDS);
    expect(names).toContain('diagnose');
    const missing = names.filter((name) => !readme.includes(`mesh-medic ${name}`));
    expect(missing).toEqual([]);
  });

  it('documents every /mesh subcommand, remediation and metric', () => {
    const slack = section('Slack commands');
    expect(SUBCOMMANDS.filter((sub) => !slack.includes(`/mesh ${sub}`))).toEqual([]);
    const remediations = firstColumnNames(section('Approval policy and remediations'));
    expect([...remediations].sort()).toEqual(REMEDIATIONS.map((r) => r.id).sort());
    const operations = section('Operations');
    expect(Object.values(METRIC_NAMES).filter((name) => !operations.includes(`\`${name}\``))).toEqual([]);
  });

  it('shows the sandbox screenshot, and every image it references exists', () => {
    const images = [...prose(readme).matchAll(/!\[[^\]]*\]\(([^)\s]+)\)|<img[^>]+src="([^"]+)"/g)].map((m) => (m[1] ?? m[2])!);
    expect(images).toContain('docs/sandbox-report.png');
    expect(images.filter((src) => !existsSync(new URL(src, `file://${ROOT}`)))).toEqual([]);
  });

  it('links only to files that exist and to headings it has', () => {
    const text = prose(readme);
    const targets = [...text.matchAll(/(?<!!)\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
    const anchors = new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => anchorOf(m[1]!)));
    const relative = targets.filter((t) => !/^[a-z]+:/i.test(t));
    expect(relative.length).toBeGreaterThan(5);
    const brokenFiles = relative.filter((t) => !t.startsWith('#')).filter((t) => !existsSync(new URL(t.split('#')[0]!, `file://${ROOT}`)));
    const brokenAnchors = relative.filter((t) => t.startsWith('#') && !anchors.has(t.slice(1)));
    expect({ brokenFiles, brokenAnchors }).toEqual({ brokenFiles: [], brokenAnchors: [] });
  });

  it('gives an Alertmanager example payload the receiver accepts', () => {
    const payload = /-d '(\{"version":"4".*\})'/.exec(section('Alerts from Alertmanager'))?.[1];
    expect(payload).toBeDefined();
    // Inside the shell's single quotes the text is sent as is.
    const parsed = parseWebhookBody(payload!);
    expect(parsed).toMatchObject({ ok: true, payload: { status: 'firing', alerts: [{ labels: { cluster: 'prod-east' } }] } });
  });
});
