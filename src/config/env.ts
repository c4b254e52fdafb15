// The only module that reads process.env. Each feature declares its variables as a zod shape in
// one section below; readEnv validates them all at once so a bad value stops start-up with a
// message naming it. The bot's variables (issue 4: SLACK_*, REDIS_URL, PORT, …) are one more
// section; readBotEnv adds the rule that, with SLACK_BOT_TOKEN set, every required one is present,
// and readServiceEnv (`mesh-medic all`) turns an unset SLACK_BOT_TOKEN into sandbox mode.

import { z } from 'zod';
import { DEFAULT_ALERT_WINDOW_MS, parseAlertWindow } from '../alerts/window.ts';
import { DEFAULT_APPROVAL_SETTINGS } from '../approvals/policy.ts';
import { MeshMedicError } from '../domain/errors.ts';
import { channelProblem } from '../queue/jobs.ts';
import { formatPath } from './issue-path.ts';

const positiveInt = (fallback: number) =>
  z
    .string()
    .regex(/^[1-9][0-9]*$/, 'must be a positive integer')
    .transform(Number)
    .default(fallback);

const nonNegativeInt = (fallback: number) =>
  z
    .string()
    .regex(/^(0|[1-9][0-9]*)$/, 'must be 0 or a positive integer')
    .transform(Number)
    .default(fallback);

/** Optional positive integer: unset or empty leaves the library's own default in place. */
const optionalPositiveInt = z
  .string()
  .optional()
  .transform((v) => (v ? v : undefined))
  .refine((v) => v === undefined || /^[1-9][0-9]*$/.test(v), 'must be a positive integer')
  .transform((v) => (v === undefined ? undefined : Number(v)));

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
  MESH_MEDIC_PEER_CACHE_SECONDS: nonNegativeInt(15),
};

const TERMINAL = {
  NO_COLOR: optionalText,
  FORCE_COLOR: optionalText,
};

/** Optional text that must match `pattern` when set (empty counts as unset). */
const optionalMatching = (pattern: RegExp, message: string) =>
  optionalText.refine((v) => v === undefined || pattern.test(v), message);

// MESH_MEDIC_CHANNEL: a channel ID or a channel name (`#mesh-alerts`), the same rule as a cluster's
// `channel` in clusters.yaml. Names are posted to by name; the worker then uses the ID Slack returns.
const slackChannel = optionalText.superRefine((v, ctx) => {
  const problem = v === undefined ? undefined : channelProblem(v);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
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
  MESH_MEDIC_CHANNEL: slackChannel,
  MESH_MEDIC_APPROVERS: optionalMatching(
    /^\s*[UWS][A-Z0-9]{2,}(\s*,\s*[UWS][A-Z0-9]{2,})*\s*$/,
    'must be comma-separated Slack user (U…/W…) or user-group (S…) ids',
  ),
  // How fast a dead worker's job is handed to another worker: its lock must expire, then a
  // stalled-job check must run. BullMQ's defaults (30 s each) suit production; tests shorten them.
  MESH_MEDIC_JOB_LOCK_MS: optionalPositiveInt,
  MESH_MEDIC_STALLED_CHECK_MS: optionalPositiveInt,
};

// Operations and the sandbox (issue 7). PATH is read here (not by the redis module) so that the
// private redis-server is looked up where the environment says, and tests can pass a fake one.
const OPERATIONS = {
  MESH_MEDIC_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PATH: optionalText,
};

// Alertmanager webhooks (issue 6). /alerts is served only with a token: an unauthenticated alert
// endpoint would let anyone start diagnoses. The token is a secret: checked for shape, never echoed.
const ALERTS = {
  MESH_MEDIC_ALERT_TOKEN: optionalMatching(
    /^[\x21-\x7e]{16,512}$/,
    'must be 16 to 512 printable characters without spaces (a random secret, e.g. `openssl rand -hex 32`)',
  ),
  MESH_MEDIC_ALERT_CLUSTER_LABEL: optionalMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,255}$/, 'must be a Prometheus label name (letters, digits and _)'),
  MESH_MEDIC_ALERT_WINDOW: optionalText.transform((v, ctx) => {
    if (v === undefined) return DEFAULT_ALERT_WINDOW_MS;
    const parsed = parseAlertWindow(v);
    if (parsed.ok) return parsed.ms;
    ctx.issues.push({ code: 'custom', message: parsed.reason, input: v });
    return z.NEVER;
  }),
};

// Approval policy (issue 5). Unset or empty keeps src/approvals/policy.ts DEFAULT_APPROVAL_SETTINGS
// (2 approvals on production, 1 elsewhere, 5 applies per cluster per hour, 30-minute proposals).
// A proposal TTL under a minute leaves no time to read the diff and submit the modal; it is most
// likely seconds written as milliseconds (`1800`), so it is refused rather than obeyed.
const MIN_PROPOSAL_TTL_MS = 60_000;
const PROPOSAL_TTL_FORMAT = 'must be a duration such as 30m, 1800s, 1h or plain milliseconds (1800000), from 1m to 7d';

function parseProposalTtl(text: string): number | undefined {
  const parsed = parseAlertWindow(text);
  return parsed.ok && parsed.ms >= MIN_PROPOSAL_TTL_MS ? parsed.ms : undefined;
}

const APPROVAL_POLICY = {
  MESH_MEDIC_PRODUCTION_APPROVALS: optionalPositiveInt,
  MESH_MEDIC_APPROVALS: optionalPositiveInt,
  MESH_MEDIC_REMEDIATIONS_PER_HOUR: optionalPositiveInt,
  MESH_MEDIC_PROPOSAL_TTL: optionalText.transform((v, ctx) => {
    if (v === undefined) return undefined;
    const parsed = parseProposalTtl(v);
    if (parsed !== undefined) return parsed;
    ctx.issues.push({ code: 'custom', message: PROPOSAL_TTL_FORMAT, input: v });
    return z.NEVER;
  }),
};

/** Required for `bot`, `worker` and `all` once SLACK_BOT_TOKEN is set (sandbox mode otherwise). */
export const BOT_REQUIRED_VARIABLES = ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'REDIS_URL', 'MESH_MEDIC_CLUSTERS'] as const;

const envSchema = z.object({ ...CLUSTER_ACCESS, ...TERMINAL, ...BOT, ...OPERATIONS, ...ALERTS, ...APPROVAL_POLICY });
type ParsedEnv = z.infer<typeof envSchema>;

export interface K8sAccessConfig {
  /** Per API call, from the moment it gets a concurrency slot. */
  timeoutMs: number;
  /** Concurrent API calls per cluster. */
  concurrency: number;
  /** API calls one diagnosis may make across all clusters it reads. */
  callBudget: number;
  /** How long a worker reuses its first, scoped read of a peer cluster across diagnoses (0: never). */
  peerCacheMs?: number;
}

export interface AppConfig {
  /** Registry path from the environment (the CLI flag wins over it). */
  clustersPath?: string;
  k8s: K8sAccessConfig;
  /** `true`/`false` when the environment decides colour, undefined to follow the terminal. */
  color?: boolean;
}

export const DEFAULT_K8S_CONFIG: K8sAccessConfig = { timeoutMs: 10_000, concurrency: 6, callBudget: 2_000, peerCacheMs: 15_000 };

export function readEnv(env: NodeJS.ProcessEnv = process.env): AppConfig {
  return appConfig(parseEnv(env));
}

function parseEnv(env: NodeJS.ProcessEnv): ParsedEnv {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
    throw invalidEnvironment(problems);
  }
  const problems = approvalCountProblems(parsed.data);
  if (problems.length > 0) throw invalidEnvironment(problems);
  return parsed.data;
}

/** Production is where a wrong fix costs most: it never needs fewer approvals than other clusters. */
function approvalCountProblems(e: ParsedEnv): string[] {
  const production = e.MESH_MEDIC_PRODUCTION_APPROVALS ?? DEFAULT_APPROVAL_SETTINGS.requiredApprovals.production;
  const other = e.MESH_MEDIC_APPROVALS ?? DEFAULT_APPROVAL_SETTINGS.requiredApprovals.other;
  if (production >= other) return [];
  const name = e.MESH_MEDIC_PRODUCTION_APPROVALS === undefined ? 'MESH_MEDIC_APPROVALS' : 'MESH_MEDIC_PRODUCTION_APPROVALS';
  return [`${name}: production clusters would need fewer approvals (${production}) than the others (${other}); set MESH_MEDIC_PRODUCTION_APPROVALS to at least MESH_MEDIC_APPROVALS`];
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
      peerCacheMs: e.MESH_MEDIC_PEER_CACHE_SECONDS * 1000,
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
  /** Approval policy beyond the defaults (src/approvals/policy.ts DEFAULT_APPROVAL_SETTINGS). */
  approvalPolicy?: ApprovalPolicySettings;
  k8s: K8sAccessConfig;
  /** Job lock and stalled-job check of `mesh-medic worker` (BullMQ's defaults when unset). */
  worker?: WorkerTimings;
  /** Alertmanager webhooks at /alerts; off (404) without MESH_MEDIC_ALERT_TOKEN. */
  alerts?: AlertSettings;
}

export interface AlertSettings {
  /** Bearer token Alertmanager sends (`http_config.authorization`). A secret. */
  token: string;
  /** Label naming the registered cluster an alert is about (default `cluster`). */
  clusterLabel: string;
  /** One diagnosis per (cluster, alert group) per this many ms (default 10 minutes). */
  windowMs: number;
}

export interface ApprovalPolicySettings {
  /** Distinct approvals a fix on a `production: true` cluster needs (default 2). */
  requiredApprovalsProduction?: number;
  /** Distinct approvals a fix on any other cluster needs (default 1). */
  requiredApprovalsOther?: number;
  /** Applied remediations per cluster per rolling hour (default 5). */
  remediationsPerHour?: number;
  /** How long a proposal can be approved (default 30 minutes). */
  proposalTtlMs?: number;
}

export interface WorkerTimings {
  lockDurationMs?: number;
  stalledIntervalMs?: number;
}

/**
 * The bot's settings from the environment, validated once, for a process that talks to real
 * Slack (`bot`, `worker`, and `all` with SLACK_BOT_TOKEN set): every required variable must be
 * present. Without SLACK_BOT_TOKEN only `all` runs (sandbox mode, see readServiceEnv): a separate
 * bot or worker could not share the sandbox's per-run credentials, so the error points there.
 */
export function readBotEnv(env: NodeJS.ProcessEnv = process.env): BotSettings {
  return slackSettings(parseEnv(env));
}

function slackSettings(e: ParsedEnv): BotSettings {
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
  const worker = workerTimings(e);
  if (worker) settings.worker = worker;
  if (e.MESH_MEDIC_ALERT_TOKEN) settings.alerts = alertSettings(e, e.MESH_MEDIC_ALERT_TOKEN);
  const approvalPolicy = approvalPolicySettings(e);
  if (approvalPolicy) settings.approvalPolicy = approvalPolicy;
  return settings;
}

/** Only what the environment sets (undefined when nothing is): the rest stays the policy's default. */
function approvalPolicySettings(e: ParsedEnv): ApprovalPolicySettings | undefined {
  const p: ApprovalPolicySettings = {};
  if (e.MESH_MEDIC_PRODUCTION_APPROVALS !== undefined) p.requiredApprovalsProduction = e.MESH_MEDIC_PRODUCTION_APPROVALS;
  if (e.MESH_MEDIC_APPROVALS !== undefined) p.requiredApprovalsOther = e.MESH_MEDIC_APPROVALS;
  if (e.MESH_MEDIC_REMEDIATIONS_PER_HOUR !== undefined) p.remediationsPerHour = e.MESH_MEDIC_REMEDIATIONS_PER_HOUR;
  if (e.MESH_MEDIC_PROPOSAL_TTL !== undefined) p.proposalTtlMs = e.MESH_MEDIC_PROPOSAL_TTL;
  return Object.keys(p).length > 0 ? p : undefined;
}

function alertSettings(e: ParsedEnv, token: string): AlertSettings {
  return { token, clusterLabel: e.MESH_MEDIC_ALERT_CLUSTER_LABEL ?? 'cluster', windowMs: e.MESH_MEDIC_ALERT_WINDOW };
}

const SANDBOX_NOTE = ' (or leave it unset and run `mesh-medic all` / `npm start`: sandbox mode with a local Slack emulator)';

/** What sandbox mode takes from the environment; everything else it makes up per run. */
export interface SandboxEnv {
  mode: 'sandbox';
  /** The user's own Redis; a private redis-server is started when unset. */
  redisUrl?: string;
  /** The user's own registry; the sandbox clusters' clusters.yaml when unset. */
  clustersPath?: string;
  port: number;
  channel?: string;
  /** From MESH_MEDIC_APPROVERS; empty means the emulator's approver (alice). */
  approvers: string[];
  /** MESH_MEDIC_*_APPROVALS, _REMEDIATIONS_PER_HOUR, _PROPOSAL_TTL when any is set. */
  approvalPolicy?: ApprovalPolicySettings;
  k8s: K8sAccessConfig;
  logLevel: LogLevel;
  /** Where to look for redis-server (PATH). */
  searchPath: string;
}

export type LogLevel = ParsedEnv['MESH_MEDIC_LOG_LEVEL'];

/** `mesh-medic all`: real Slack when SLACK_BOT_TOKEN is set (every required variable then), else sandbox mode. */
export type ServiceEnv = { mode: 'slack'; settings: BotSettings; logLevel: LogLevel } | SandboxEnv;

/**
 * Sandbox mode is on exactly when SLACK_BOT_TOKEN is unset (issue 4): no Slack variable is
 * required, the sandbox generates a bot token and signing secret per run. A signing secret or
 * app token set without a bot token is almost certainly a mistake, so it is named, not ignored.
 */
export function readServiceEnv(env: NodeJS.ProcessEnv = process.env): ServiceEnv {
  const e = parseEnv(env);
  if (e.SLACK_BOT_TOKEN !== undefined) return { mode: 'slack', settings: slackSettings(e), logLevel: e.MESH_MEDIC_LOG_LEVEL };
  const stray = (['SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN', 'SLACK_API_URL'] as const).filter((name) => e[name] !== undefined);
  if (stray.length > 0) {
    throw invalidEnvironment(stray.map((name) => `${name}: set without SLACK_BOT_TOKEN (set SLACK_BOT_TOKEN too, or unset ${name} for sandbox mode)`));
  }
  const sandbox: SandboxEnv = {
    mode: 'sandbox',
    port: e.PORT,
    approvers: parseApprovers(e.MESH_MEDIC_APPROVERS),
    k8s: appConfig(e).k8s,
    logLevel: e.MESH_MEDIC_LOG_LEVEL,
    searchPath: e.PATH ?? '',
  };
  if (e.REDIS_URL) sandbox.redisUrl = e.REDIS_URL;
  if (e.MESH_MEDIC_CLUSTERS) sandbox.clustersPath = e.MESH_MEDIC_CLUSTERS;
  if (e.MESH_MEDIC_CHANNEL) sandbox.channel = e.MESH_MEDIC_CHANNEL;
  const approvalPolicy = approvalPolicySettings(e);
  if (approvalPolicy) sandbox.approvalPolicy = approvalPolicy;
  return sandbox;
}

/**
 * MESH_MEDIC_LOG_LEVEL for `bot` and `worker` (readServiceEnv already carries it for `all`). Call it
 * after readBotEnv: the environment is validated then, so this cannot fail on another variable first.
 */
export function readLogLevel(env: NodeJS.ProcessEnv = process.env): LogLevel {
  return parseEnv(env).MESH_MEDIC_LOG_LEVEL;
}

function workerTimings(e: ParsedEnv): WorkerTimings | undefined {
  const t: WorkerTimings = {};
  if (e.MESH_MEDIC_JOB_LOCK_MS !== undefined) t.lockDurationMs = e.MESH_MEDIC_JOB_LOCK_MS;
  if (e.MESH_MEDIC_STALLED_CHECK_MS !== undefined) t.stalledIntervalMs = e.MESH_MEDIC_STALLED_CHECK_MS;
  return Object.keys(t).length > 0 ? t : undefined;
}

function parseApprovers(list: string | undefined): string[] {
  if (!list) return [];
  return [...new Set(list.split(',').map((id) => id.trim()))].filter((id) => APPROVER_ID.test(id));
}
