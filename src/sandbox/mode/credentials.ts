// The emulated Slack app's credentials, made up per run: random, never printed, never logged.
// They are written to a 0600 file in the run's own 0700 directory (as the sandbox's kubeconfigs
// are), so a developer can sign requests of their own, and removed with it on stop.

import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SlackCredentials } from '../../config/env.ts';

export const CREDENTIALS_FILE = 'slack-app.json';

export function generateSlackCredentials(): Pick<SlackCredentials, 'botToken' | 'signingSecret'> {
  return {
    // The shape readBotEnv accepts for a real token, so nothing downstream needs a special case.
    botToken: `xoxb-sandbox-${randomBytes(24).toString('hex')}`,
    signingSecret: randomBytes(32).toString('hex'),
  };
}

/** Writes `{ botToken, signingSecret }` to DIR/slack-app.json (owner read/write only); returns the path. */
export async function writeCredentialsFile(dir: string, creds: Pick<SlackCredentials, 'botToken' | 'signingSecret'>): Promise<string> {
  const path = join(dir, CREDENTIALS_FILE);
  await writeFile(path, `${JSON.stringify({ botToken: creds.botToken, signingSecret: creds.signingSecret }, null, 2)}\n`, { mode: 0o600 });
  return path;
}
