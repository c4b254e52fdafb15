// The deduplication window of alert-triggered diagnoses (MESH_MEDIC_ALERT_WINDOW): how long one
// (cluster, Alertmanager group) keeps its one diagnosis and thread. Written the way Alertmanager and
// Prometheus write durations (`10m`, `600s`, `1h30m`) or as plain milliseconds (`600000`).

export const DEFAULT_ALERT_WINDOW_MS = 10 * 60_000;
/** Shorter than Alertmanager's own group_interval makes no sense; below a second is a typo. */
export const MIN_ALERT_WINDOW_MS = 1000;
/** Longer than the week incident state is kept in Redis could not be honoured. */
export const MAX_ALERT_WINDOW_MS = 7 * 24 * 3_600_000;

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PLAIN_MS = /^[0-9]{1,15}$/;
const COMPOUND = /^([0-9]{1,9}(ms|s|m|h|d))+$/;
const PART = /([0-9]{1,9})(ms|s|m|h|d)/g;

export const ALERT_WINDOW_FORMAT = 'must be a duration such as 10m, 600s, 1h30m or plain milliseconds (600000), from 1s to 7d';

export type WindowParse = { ok: true; ms: number } | { ok: false; reason: string };

export function parseAlertWindow(text: string): WindowParse {
  const value = text.trim();
  let ms: number;
  if (PLAIN_MS.test(value)) ms = Number(value);
  else if (COMPOUND.test(value)) ms = [...value.matchAll(PART)].reduce((sum, [, n, unit]) => sum + Number(n) * (UNIT_MS[unit!] ?? 0), 0);
  else return { ok: false, reason: ALERT_WINDOW_FORMAT };
  if (ms < MIN_ALERT_WINDOW_MS || ms > MAX_ALERT_WINDOW_MS) return { ok: false, reason: ALERT_WINDOW_FORMAT };
  return { ok: true, ms };
}

/** "10m", "1h30m", "45s": how a window reads in messages. */
export function formatWindow(ms: number): string {
  if (ms % 1000 !== 0) return `${ms}ms`;
  let s = ms / 1000;
  const parts: string[] = [];
  for (const [unit, size] of [['d', 86_400], ['h', 3600], ['m', 60], ['s', 1]] as const) {
    if (s >= size) {
      parts.push(`${Math.floor(s / size)}${unit}`);
      s %= size;
    }
  }
  return parts.join('') || '0s';
}
