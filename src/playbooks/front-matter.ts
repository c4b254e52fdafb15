// The YAML between the leading `---` lines: split it off, parse it, validate it strictly.

import { parse } from 'yaml';
import { z } from 'zod';

const KEBAB = /^[a-z0-9]+(-[a-z0-9]+)*$/;
// Prometheus alert names are label values, but by convention identifiers (KubePodCrashLooping).
const ALERT_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
// Seed files are named NNN_<16 hex>.txt.
const SOURCE_FILE = /^\d{3}_[0-9a-f]{16}\.txt$/;

const uniqueList = (item: z.ZodString) =>
  z.array(item).refine((list) => new Set(list).size === list.length, { message: 'contains duplicates' });

export const frontMatterSchema = z.strictObject({
  id: z.string().regex(KEBAB, 'must be kebab-case (a-z, 0-9, single dashes)'),
  title: z.string().trim().min(1, 'must not be empty').max(120, 'must be at most 120 characters'),
  checks: uniqueList(z.string().regex(KEBAB, 'check ids must be kebab-case')).refine((l) => l.length > 0, {
    message: 'must name at least one check',
  }),
  alerts: uniqueList(z.string().regex(ALERT_NAME, 'alert names must look like KubePodCrashLooping')),
  sources: uniqueList(z.string().regex(SOURCE_FILE, 'sources must be seed file names like 000_027c005dae3c2be1.txt')),
});

export type FrontMatter = z.infer<typeof frontMatterSchema>;

export interface SplitResult {
  yaml: string;
  body: string;
}

/** Separates front-matter from body, or returns the problem that prevents it. */
export function splitFrontMatter(text: string): SplitResult | { problem: string } {
  const lines = text.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n').split('\n');
  if (lines[0]?.trim() !== '---') return { problem: "missing front-matter: the file must start with a line '---'" };
  const end = lines.findIndex((line, i) => i > 0 && line.trim() === '---');
  if (end < 0) return { problem: "front-matter is not closed by a line '---'" };
  return { yaml: lines.slice(1, end).join('\n'), body: lines.slice(end + 1).join('\n') };
}

function describeIssue(issue: { path: PropertyKey[]; message: string }): string {
  const where = issue.path.length > 0 ? `front-matter ${issue.path.map(String).join('.')}` : 'front-matter';
  return `${where}: ${issue.message}`;
}

/** Parses and validates the YAML; returns every problem found, not just the first. */
export function parseFrontMatter(yamlText: string): { value: FrontMatter } | { problems: string[] } {
  let raw: unknown;
  try {
    raw = parse(yamlText, { prettyErrors: false });
  } catch (err) {
    const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
    return { problems: [`front-matter is not valid YAML: ${reason}`] };
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { problems: ['front-matter must be a YAML mapping (id, title, checks, alerts, sources)'] };
  }
  const result = frontMatterSchema.safeParse(raw);
  if (result.success) return { value: result.data };
  return { problems: result.error.issues.map(describeIssue) };
}
