// Structured JSON logs (pino). Secrets are kept out twice: code never passes tokens, signing
// secrets or kubeconfigs to a log call, and redaction censors the fields where they would sit if
// someone did. Issue 7 may widen this (request logging, more paths); callers only see `Logger`.

import { pino } from 'pino';
import { type Logger as BoltLogger, LogLevel } from '@slack/bolt';

export type Logger = pino.Logger;

export const REDACTED_PATHS = [
  'token',
  '*.token',
  'botToken',
  '*.botToken',
  'appToken',
  '*.appToken',
  'signingSecret',
  '*.signingSecret',
  'authorization',
  '*.authorization',
  '*.headers.authorization',
  'kubeconfig',
  '*.kubeconfig',
  'password',
  '*.password',
];

export interface LoggerOptions {
  level?: pino.LevelWithSilent;
  /** Where lines go (default stdout); tests pass a stream to read what was logged. */
  destination?: pino.DestinationStream;
  name?: string;
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  const options: pino.LoggerOptions = {
    level: opts.level ?? 'info',
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    base: { service: opts.name ?? 'mesh-medic' },
  };
  return opts.destination ? pino(options, opts.destination) : pino(options);
}

/** A logger that drops everything (tests that do not read logs). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

/** Bolt's Logger interface on top of ours, so Bolt's lines are JSON and redacted too. */
export function boltLogger(logger: Logger): BoltLogger {
  const child = logger.child({ component: 'bolt' });
  let level: LogLevel = LogLevel.WARN;
  const text = (msg: unknown[]) => msg.map((m) => (m instanceof Error ? m.message : String(m))).join(' ');
  return {
    debug: (...msg) => child.debug(text(msg)),
    info: (...msg) => child.info(text(msg)),
    warn: (...msg) => child.warn(text(msg)),
    error: (...msg) => child.error(text(msg)),
    // Our level decides what is written; Bolt's own setting is only remembered.
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}
