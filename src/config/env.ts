// The only module that reads process.env. Each feature declares its variables as a zod shape in
// one section below; readEnv validates them all at once so a bad value stops start-up with a
// message naming it. The bot's variables (issue 4: SLACK_*, REDIS_URL, PORT, …) slot in as
// another section.

import { z } from 'zod';
import { MeshMedicError } from '../domain/errors.ts';
import { formatPath } from './issue-path.ts';

const positiveInt = (fallback: number) =>
  z
    .string()
    .regex(/^[1-9][0-9]*$/, 'must be a positive integer')
    .transform(Number)
    .default(fallback);

/** Optional string: unset and empty both mean "not set" (as shells make them hard to tell apart). */
const optionalText = z
  .string()
  .optional()
  .transform((v) => (v ? v : undefined));

const CLUSTER_ACCESS = {
  MESH_MEDIC_CLUSTERS: optionalText,
  MESH_MEDIC_K8S_TIMEOUT_MS: positiveInt(10_000),
  MESH_MEDIC_K8S_CONCURRENCY: positiveInt(6),
  MESH_MEDIC_K8S_CALL_BUDGET: positiveInt(2_000),
};

const TERMINAL = {
  NO_COLOR: optionalText,
  FORCE_COLOR: optionalText,
};

const envSchema = z.object({ ...CLUSTER_ACCESS, ...TERMINAL });

export interface K8sAccessConfig {
  /** Per API call, from the moment it gets a concurrency slot. */
  timeoutMs: number;
  /** Concurrent API calls per cluster. */
  concurrency: number;
  /** API calls one diagnosis may make across all clusters it reads. */
  callBudget: number;
}

export interface AppConfig {
  /** Registry path from the environment (the CLI flag wins over it). */
  clustersPath?: string;
  k8s: K8sAccessConfig;
  /** `true`/`false` when the environment decides colour, undefined to follow the terminal. */
  color?: boolean;
}

export const DEFAULT_K8S_CONFIG: K8sAccessConfig = { timeoutMs: 10_000, concurrency: 6, callBudget: 2_000 };

export function readEnv(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
    throw new MeshMedicError('USAGE', `invalid environment:\n${problems.map((p) => `  - ${p}`).join('\n')}`, {
      unrecoverable: true,
    });
  }
  const e = parsed.data;
  return {
    clustersPath: e.MESH_MEDIC_CLUSTERS,
    k8s: {
      timeoutMs: e.MESH_MEDIC_K8S_TIMEOUT_MS,
      concurrency: e.MESH_MEDIC_K8S_CONCURRENCY,
      callBudget: e.MESH_MEDIC_K8S_CALL_BUDGET,
    },
    color: colorPreference(e.NO_COLOR, e.FORCE_COLOR),
  };
}

/** https://no-color.org: any non-empty NO_COLOR disables colour; FORCE_COLOR=0/false too. */
function colorPreference(noColor?: string, forceColor?: string): boolean | undefined {
  if (noColor) return false;
  if (forceColor === undefined) return undefined;
  return !['0', 'false'].includes(forceColor.toLowerCase());
}
