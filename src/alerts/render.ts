// What alert-triggered diagnoses say in Slack besides the diagnosis itself: who started it, the
// thread's "still firing" line, the resolution, and the notice about alerts for clusters that are
// not registered. Pure functions; every value from an alert (label values, names) is escaped.

import { codeSpan, escapeTruncated } from '../slack/mrkdwn.ts';
import { context, type SlackMessage, section } from '../slack/render/blocks.ts';
import { fitItems } from '../slack/render/budget.ts';

const MAX_REQUESTED_BY = 80;

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** "12:04:05 UTC" */
export function clockTime(at: Date): string {
  return `${at.toISOString().slice(11, 19)} UTC`;
}

/** Alert names as plain text, at most `budget` characters: "A, B +2 more". */
function namesText(names: readonly string[], budget: number): string {
  if (names.length === 0) return 'an alert';
  return fitItems(names.map((n) => (n.length > 60 ? `${n.slice(0, 59)}…` : n)), { budget, separator: ', ' });
}

/**
 * The `requestedBy` of an alert-triggered job: shown as "Requested by …" under the parent message
 * and in `/mesh status`, so it names the alert that started the diagnosis. Plain text (the
 * renderer escapes it), at most 80 characters.
 */
export function alertRequester(names: readonly string[], firing: number): string {
  const suffix = ` (${firing} firing)`;
  const head = 'Alertmanager: ';
  return `${head}${namesText(names, MAX_REQUESTED_BY - head.length - suffix.length)}${suffix}`.slice(0, MAX_REQUESTED_BY);
}

export interface AlertState {
  names: string[];
  firing: number;
  /** Notifications received for this incident so far (the first one started the diagnosis). */
  notifications: number;
  notifiedAt: Date;
}

function namesMrkdwn(names: readonly string[]): string {
  return names.length === 0 ? 'an alert' : fitItems(names.map((n) => `*${escapeTruncated(n, 120)}*`), { budget: 600, separator: ', ' });
}

/** The thread's status reply, edited in place on every repeat notification. */
export function stillFiringMessage(s: AlertState): SlackMessage {
  const what = `${namesText(s.names, 200)}: still firing, ${plural(s.firing, 'alert')}`;
  return {
    text: what,
    blocks: [
      section(`:rotating_light: ${namesMrkdwn(s.names)}: still firing, *${plural(s.firing, 'alert')}*`),
      context(`Last notification ${clockTime(s.notifiedAt)} · ${plural(s.notifications, 'notification')} for this group so far · the diagnosis above is not repeated`),
    ],
  };
}

/** A new status reply when a resolved group fires again within the window. */
export function firingAgainMessage(s: AlertState): SlackMessage {
  const what = `${namesText(s.names, 200)}: firing again, ${plural(s.firing, 'alert')}`;
  return {
    text: what,
    blocks: [
      section(`:rotating_light: ${namesMrkdwn(s.names)}: firing again, *${plural(s.firing, 'alert')}*`),
      context(`Notification at ${clockTime(s.notifiedAt)} · the diagnosis above is still the latest; ask for a fresh one with \`/mesh diagnose\``),
    ],
  };
}

export function resolvedReply(s: AlertState): SlackMessage {
  return {
    text: `Resolved: ${namesText(s.names, 200)}`,
    blocks: [section(`:white_check_mark: *Resolved*: every alert of ${namesMrkdwn(s.names)} in this group stopped firing (${clockTime(s.notifiedAt)}).`)],
  };
}

const RESOLVED_PREFIX = 'Resolved · ';

/** The parent message as the diagnosis left it, marked resolved on top. */
export function markResolved(parent: SlackMessage, s: AlertState): SlackMessage {
  return {
    text: `${RESOLVED_PREFIX}${parent.text}`.slice(0, 3000),
    blocks: [context(`:white_check_mark: *Resolved* at ${clockTime(s.notifiedAt)} · ${namesMrkdwn(s.names)}`), ...parent.blocks].slice(0, 50),
  };
}

export interface UnknownClusterNotice {
  /** The label value as sent; undefined when the alerts have no such label. */
  cluster?: string;
  clusterLabel: string;
  names: string[];
  firing: number;
  known: string[];
  suggestion?: string;
}

export function unknownClusterMessage(n: UnknownClusterNotice): SlackMessage {
  const alerts = `${namesMrkdwn(n.names)} (${plural(n.firing, 'alert')} firing)`;
  const label = codeSpan(n.clusterLabel, 100);
  const head =
    n.cluster === undefined
      ? `:warning: Alertmanager sent ${alerts} without a ${label} label, so mesh-medic cannot tell which cluster to diagnose. Nothing was diagnosed.`
      : `:warning: Alertmanager sent ${alerts} for cluster ${codeSpan(n.cluster, 100)}, which is not registered in clusters.yaml. Nothing was diagnosed.`;
  const known = n.known.length > 0 ? fitItems(n.known.map((c) => codeSpan(c, 63)), { budget: 1200, separator: ', ' }) : '(none)';
  const hint = n.suggestion ? ` Did you mean ${codeSpan(n.suggestion, 63)}?` : '';
  const text =
    n.cluster === undefined
      ? `Alerts without a ${n.clusterLabel} label: nothing was diagnosed`
      : `Alerts for unregistered cluster ${n.cluster.slice(0, 100)}: nothing was diagnosed`;
  return {
    text,
    blocks: [
      section(head),
      context(`Known clusters: ${known}.${hint} Set the alert's ${label} label to a registered name, or register the cluster. Reported once per alert group.`),
    ],
  };
}

/** The report's line saying which alert started the diagnosis and why some checks come first. */
export function alertReportNote(names: readonly string[], leadingChecks: number): string {
  const first = leadingChecks > 0 ? ': the checks its playbooks name are listed first' : '';
  return `:rotating_light: Started by alert ${namesMrkdwn(names)}${first}.`;
}
