// The shape of clusters.yaml (issue 3). Strict: an unknown key is a typo or a field from a newer
// version, and silently ignoring either would hide a misconfigured cluster.

import { z } from 'zod';
import { channelProblem } from '../queue/jobs.ts';
import { formatPath, valueAt } from './issue-path.ts';

export const NAME_PATTERN = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** Slack user (U…, W… on Enterprise Grid) or user-group (S…) IDs. */
export const SLACK_ID_PATTERN = /^[UWS][A-Z0-9]{2,}$/;
export const ROLES = ['primary', 'remote', 'control-plane'] as const;

const name = z.string().regex(NAME_PATTERN, `must match ${NAME_PATTERN.source}`);
const nonEmpty = z.string().min(1, 'must not be empty');
/** Where alert reports go: a channel ID, or a channel name (the worker posts by name, then uses the ID). */
const channel = z.string().superRefine((value, ctx) => {
  const problem = channelProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

export const meshSchema = z.strictObject({ id: name });

export const clusterSchema = z.strictObject({
  name,
  kubeconfig: nonEmpty,
  context: nonEmpty.optional(),
  mesh: name,
  network: nonEmpty.optional(),
  role: z.enum(ROLES),
  controlPlane: name.optional(),
  production: z.boolean().default(false),
  channel: channel.optional(),
  approvers: z
    .array(z.string().regex(SLACK_ID_PATTERN, 'must be a Slack user or user-group ID like U123ABC or S123ABC'))
    .optional(),
});

export const registrySchema = z.strictObject({
  meshes: z.array(meshSchema).min(1, 'must declare at least one mesh'),
  clusters: z.array(clusterSchema).min(1, 'must list at least one cluster'),
});

export type RawCluster = z.infer<typeof clusterSchema>;
export type RawRegistry = z.infer<typeof registrySchema>;

/** One line per zod issue, `path: problem`, worded for someone editing the YAML. */
export function describeIssues(doc: unknown, issues: readonly z.core.$ZodIssue[]): string[] {
  const out: string[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push(`${formatPath([...issue.path, key])}: unknown key`);
      continue;
    }
    out.push(`${formatPath(issue.path)}: ${describeIssue(doc, issue)}`);
  }
  return out;
}

function describeIssue(doc: unknown, issue: z.core.$ZodIssue): string {
  if (valueAt(doc, issue.path) === undefined && issue.path.length > 0) return 'required';
  switch (issue.code) {
    case 'invalid_type':
      return `must be ${article(issue.expected)}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map(String).join(', ')}`;
    default:
      return issue.message;
  }
}

function article(expected: string): string {
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}
