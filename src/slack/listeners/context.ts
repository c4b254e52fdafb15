// What the listeners work with. Built once by the bot at start-up (src/server/bot.ts).

import type { Redis } from 'ioredis';
import type { Registry } from '../../domain/cluster.ts';
import type { Playbook } from '../../playbooks/index.ts';
import type { EffectsStore } from '../../queue/effects.ts';
import type { DiagnosisProducer } from '../../queue/producer.ts';
import type { RemediationServices } from '../../queue/remediation-services.ts';
import type { Logger } from '../../server/logger.ts';
import type { Metrics } from '../../server/metrics.ts';
import type { SlackPoster } from '../notify.ts';

export interface ListenerContext {
  /** The registry loaded at start-up (cluster names are validated against it before enqueueing). */
  registry: () => Registry;
  /** Ids of every check in the catalog. */
  checkIds: readonly string[];
  playbooks: readonly Playbook[];
  producer: DiagnosisProducer;
  /** The request-path connection (no offline queue, short timeouts). */
  redis: Redis;
  effects: EffectsStore;
  slack: SlackPoster;
  metrics?: Metrics;
  logger: Logger;
  /** `https://<workspace>.slack.com/` from auth.test, for links to threads; undefined if unknown. */
  workspaceUrl: () => string | undefined;
  now?: () => Date;
  /** Approvals and remediation jobs (issue 5); without it the buttons answer that fixes are off. */
  remediation?: RemediationServices;
}
