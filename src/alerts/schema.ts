// The Alertmanager webhook payload (version "4", the only one Alertmanager has ever sent), as we
// accept it: every field we use is checked, every string bounded, and fields we do not use are
// ignored rather than rejected so a newer Alertmanager that adds some still gets through.
// https://prometheus.io/docs/alerting/latest/configuration/#webhook_config

import { z } from 'zod';

export const ALERT_STATUSES = ['firing', 'resolved'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

// Label names are identifiers up to Prometheus 2; Prometheus 3 allows any UTF-8, so only bound them.
const labelName = z.string().min(1, 'label names must not be empty').max(256);
const labelSet = z.record(labelName, z.string().max(4096));
const annotationSet = z.record(labelName, z.string().max(65_536));
// RFC 3339 as Alertmanager writes it ("0001-01-01T00:00:00Z" for "not ended"); only shown, never computed on.
const timestamp = z.string().max(64);

export const webhookAlertSchema = z.object({
  status: z.enum(ALERT_STATUSES),
  labels: labelSet,
  annotations: annotationSet.default({}),
  startsAt: timestamp,
  endsAt: timestamp.optional(),
  generatorURL: z.string().max(8192).optional(),
  fingerprint: z.string().max(64).optional(),
});

export const webhookPayloadSchema = z.object({
  version: z.literal('4'),
  status: z.enum(ALERT_STATUSES),
  receiver: z.string().max(1024).optional(),
  groupKey: z.string().min(1).max(16_384),
  truncatedAlerts: z.number().int().nonnegative().optional(),
  groupLabels: labelSet.default({}),
  commonLabels: labelSet.default({}),
  commonAnnotations: annotationSet.default({}),
  externalURL: z.string().max(8192).optional(),
  alerts: z.array(webhookAlertSchema).min(1, 'must hold at least one alert').max(10_000),
});

export type WebhookAlert = z.infer<typeof webhookAlertSchema>;
export type WebhookPayload = z.infer<typeof webhookPayloadSchema>;

export type PayloadParse = { ok: true; payload: WebhookPayload } | { ok: false; reason: string };

const MAX_REASONS = 5;

/** The request body as text -> a payload, or the reason it is not one (for the 400 answer). */
export function parseWebhookBody(body: string): PayloadParse {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (err) {
    return { ok: false, reason: `invalid JSON: ${err instanceof Error ? err.message : String(err)}`.slice(0, 300) };
  }
  const parsed = webhookPayloadSchema.safeParse(json);
  if (parsed.success) return { ok: true, payload: parsed.data };
  const issues = parsed.error.issues;
  const reasons = issues.slice(0, MAX_REASONS).map((i) => `${i.path.map(String).join('.') || '(payload)'}: ${i.message}`.slice(0, 300));
  const more = issues.length > MAX_REASONS ? ` (and ${issues.length - MAX_REASONS} more)` : '';
  return { ok: false, reason: `not an Alertmanager webhook (version 4): ${reasons.join('; ')}${more}` };
}
