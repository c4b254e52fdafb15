// The only module that reads process.env. Each feature declares its variables as a zod shape in
// one section below; readEnv validates them all at once so a bad value stops start-up with a
// message naming it. The bot's variables (issue 4: SLACK_*, REDIS_URL, PORT, …) are one more
// section; readBotEnv adds the rule that, with SLACK_BOT_TOKEN set, every required one is present.

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

/** Optional text that must match `pattern` when set (empty counts as unset). */
const optionalMatching = (pattern: RegExp, message: string) =>
  optionalText.refine((v) => v === undefined || pattern.test(v), message);

const SLACK_CHANNEL = /^([CGD][A-Z0-9]{2,}|#?[a-z0-9][a-z0-9._-]{0,79})$/;
const APPROVER_ID = /^[UWS][A-Z0-9]{2,}$/;

// Values are checked for shape only; they are never echoed back in an error (they may be secrets).
const BOT = {
  SLACK_BOT_TOKEN: optionalMatching(/^xoxb-\S+$/, 'must be a bot token (xoxb-…)'),
  SLACK_SIGNING_SECRET: optionalMatching(/^\S{8,}$/, 'must be the app\'s signing secret (no spaces)'),
  SLACK_APP_TOKEN: optionalMatching(/^xapp-\S+$/, 'must be an app-level token (xapp-…) for Socket Mode'),
  SLACK_API_URL: optionalMatching(/^https?:\/\/[^\s/]+(\/[^\s]*)?\/api\/$/, 'must be an http(s) URL ending in /api/'),
  REDIS_URL: optionalMatching(/^rediss?:\/\/\S+$/, 'must be a redis:// or rediss:// URL'),
  PORT: z
    .string()
    .regex(/^[0-9]+$/, 'must be a port number (1-65535)')
    .transform(Number)
    .refine((n) => n >= 1 && n <= 65_535, 'must be a port number (1-65535)')
    .default(3000),
  MESH_MEDIC_CHANNEL: optionalMatching(SLACK_CHANNEL, 'must be a Slack channel id (C…) or name'),
  MESH_MEDIC_APPROVERS: optionalMatching(
    /^\s*[UWS][A-Z0-9]{2,}(\s*,\s*[UWS][A-Z0-9]{2,})*\s*$/,
    'must be comma-separated Slack user (U…/W…) or user-group (S…) ids',
  ),
};

/** Required for `bot`, `worker` and `all` once SLACK_BOT_TOKEN is set (sandbox mode otherwise). */
export const BOT_REQUIRED_VARIABLES = ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'REDIS_URL', 'MESH_MEDIC_CLUSTERS'] as const;

const envSchema = z.object({ ...CLUSTER_ACCESS, ...TERMINAL, ...BOT });
type ParsedEnv = z.infer<typeof envSchema>;

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
  return appConfig(parseEnv(env));
}

function parseEnv(env: NodeJS.ProcessEnv): ParsedEnv {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
    throw invalidEnvironment(problems);
  }
  return parsed.data;
}

function invalidEnvironment(problems: string[]): MeshMedicError {
  return new MeshMedicError('USAGE', `invalid environment:\n${problems.map((p) => `  - ${p}`).join('\n')}`, {
    unrecoverable: true,
  });
}

function appConfig(e: ParsedEnv): AppConfig {
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

/** The Slack app's credentials (secrets: never log them, never put them in Redis). */
export interface SlackCredentials {
  botToken: string;
  signingSecret: string;
  /** Socket Mode when set. */
  appToken?: string;
  /** Web API base URL ending in `/api/` (tests, the sandbox's emulator); Slack's own when unset. */
  apiUrl?: string;
}

/** Everything `mesh-medic bot|worker|all` runs on. The sandbox (issue 7) builds one of these with a
 *  generated token and secret, its private redis and its emulator's API URL. */
export interface BotSettings {
  slack: SlackCredentials;
  redisUrl: string;
  /** Absolute or cwd-relative path of clusters.yaml. */
  clustersPath: string;
  port: number;
  /** Default channel for alert-triggered reports. */
  channel?: string;
  /** Slack user or user-group ids allowed to approve fixes. */
  approvers: string[];
  k8s: K8sAccessConfig;
}

/**
 * The bot's settings from the environment, validated once. Without SLACK_BOT_TOKEN this is
 * sandbox mode (issue 7), which is not built yet: the error says so and names what to set.
 */
export function readBotEnv(env: NodeJS.ProcessEnv = process.env): BotSettings {
  const e = parseEnv(env);
  const missing = BOT_REQUIRED_VARIABLES.filter((name) => e[name] === undefined);
  if (missing.length > 0) {
    throw invalidEnvironment(missing.map((name) => `${name}: required${name === 'SLACK_BOT_TOKEN' ? SANDBOX_NOTE : ''}`));
  }
  const slack: SlackCredentials = { botToken: e.SLACK_BOT_TOKEN!, signingSecret: e.SLACK_SIGNING_SECRET! };
  if (e.SLACK_APP_TOKEN) slack.appToken = e.SLACK_APP_TOKEN;
  if (e.SLACK_API_URL) slack.apiUrl = e.SLACK_API_URL;
  const settings: BotSettings = {
    slack,
    redisUrl: e.REDIS_URL!,
    clustersPath: e.MESH_MEDIC_CLUSTERS!,
    port: e.PORT,
    approvers: parseApprovers(e.MESH_MEDIC_APPROVERS),
    k8s: appConfig(e).k8s,
  };
  if (e.MESH_MEDIC_CHANNEL) settings.channel = e.MESH_MEDIC_CHANNEL;
  return settings;
}

// Sandbox mode (issue 7) is what an unset SLACK_BOT_TOKEN will mean; until then it is an error.
const SANDBOX_NOTE = ' (without it mesh-medic would run in sandbox mode, which is not available yet)';

function parseApprovers(list: string | undefined): string[] {
  if (!list) return [];
  return [...new Set(list.split(',').map((id) => id.trim()))].filter((id) => APPROVER_ID.test(id));
}
