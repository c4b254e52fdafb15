// Public API of alert handling: the webhook handler the bot mounts at /alerts, the worker that
// keeps incident threads up to date, and the hook the diagnosis processor calls with its verdict.

export { checksForAlerts, leadingFirst } from './check-order.ts';
export { ALERTS_PATH, type AlertsHandler, type AlertsHandlerDeps, createAlertsHandler } from './handler.ts';
export { incidentId } from './incident.ts';
export { alertRequester } from './render.ts';
export type { IncidentOutcome, IncidentResult } from './receiver.ts';
export { parseWebhookBody, type WebhookPayload } from './schema.ts';
export { DEFAULT_ALERT_WINDOW_MS, parseAlertWindow } from './window.ts';
export { finalParentRecorder, type RunningAlertWorker, startAlertWorker } from './worker.ts';
