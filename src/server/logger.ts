// Structured JSON logs (pino). Secrets are kept out three times: code never passes tokens, signing
// secrets or kubeconfigs to a log call; redaction censors the fields where they would sit if
// someone did; and every finished line is scrubbed of values that look like secrets wherever they
// sit (an error message quoting a kubeconfig, a Bolt debug line with a token), see scrubSecrets.

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
  'signing_secret',
  '*.signing_secret',
  'secret',
  '*.secret',
  '*.headers["x-slack-signature"]',
  'ca',
  'caPem',
  'caData',
  'cert',
  'key',
  '*.caPem',
  '*.cert',
  '*.key',
  '*["certificate-authority-data"]',
  '*["client-certificate-data"]',
  '*["client-key-data"]',
];

// Value patterns, applied to the serialized JSON line (so `\n` inside strings is two characters).
const SECRET_VALUE_PATTERNS: readonly RegExp[] = [
  // Slack tokens: bot, user, app-level, refresh, config.
  /\bxox[abeprs]-[A-Za-z0-9-]+/g,
  /\bxapp-[A-Za-z0-9-]+/g,
  // HTTP bearer credentials.
  /\bBearer\s+[A-Za-z0-9._~+/=-]+/gi,
  // PEM blocks (certificates, keys), whole, or from BEGIN to the end of the string when cut short.
  /-----BEGIN [A-Z0-9 ]+-----(?:(?!-----END)[^"])*(?:-----END [A-Z0-9 ]+-----)?/g,
  // Base64 of a PEM block ("-----BEGIN") and of a kubeconfig ("apiVersion"), as in
  // certificate-authority-data or a Secret's data.
  /LS0tLS1CRUdJT[A-Za-z0-9+/=]*/g,
  /YXBpVmVyc2lvbj[A-Za-z0-9+/=]*/g,
  // Kubeconfig or Secret fields quoted inside a message: `token: abc`, `"client-key-data":"…"`.
  /((?:token|client-key-data|client-certificate-data|certificate-authority-data|password|signing[_-]?secret)\\?"?\s*[:=]\s*\\?"?)[^\s"\\,}]+/gi,
];

/** Replaces every secret-looking value in a finished log line with `[redacted]`. */
export function scrubSecrets(line: string): string {
  let out = line;
  for (const pattern of SECRET_VALUE_PATTERNS) {
    out = out.replace(pattern, (match, keyPart: unknown) => (typeof keyPart === 'string' && match.startsWith(keyPart) ? `${keyPart}[redacted]` : '[redacted]'));
  }
  return out;
}

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
    hooks: { streamWrite: scrubSecrets },
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
  // Bolt calls debug() several times per request; the text is only built when it will be written.
  const at = (lvl: 'debug' | 'info' | 'warn' | 'error') => (...msg: unknown[]) => {
    if (child.isLevelEnabled(lvl)) child[lvl](text(msg));
  };
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    // Our level decides what is written; Bolt's own setting is only remembered.
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}
