// Public API of the Slack renderers: pure functions from mesh-medic data to Block Kit messages
// that stay within Slack's limits and escape everything that came from a cluster or a user.

export type { Block, EphemeralSlackMessage, SlackMessage } from './blocks.ts';
export { renderClusters, type ClusterLine } from './clusters.ts';
export { APPROVE_ACTION_ID, type PlaybookLookup, type PlaybookQuote, REJECT_ACTION_ID } from './finding.ts';
export { renderHelp } from './help.ts';
export * as limits from './limits.ts';
export { markdownToMrkdwn } from './markdown.ts';
export { renderError, renderQueued, type QueuedOptions } from './notices.ts';
export { renderPlaybook, type PlaybookPage } from './playbook.ts';
export { type ProgressInput, type ProgressState, type ProgressVerdict, renderProgress } from './progress.ts';
export { renderReport, type ReportInput, type ReportRenderOptions } from './report.ts';
