// The Slack app manifests create a working app the first time: /mesh, interactivity on
// /slack/events (HTTP) or over Socket Mode, and only the bot scopes mesh-medic uses.

import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { repoFile } from './helpers.ts';

// biome-ignore lint/suspicious/noExplicitAny: manifests are checked field by field
type Manifest = any;

/** commands: /mesh; chat:write(.public): reports in any public channel; usergroups:read: group approvers. */
const BOT_SCOPES = ['chat:write', 'chat:write.public', 'commands', 'usergroups:read'];

const http: Manifest = parseYaml(repoFile('slack-app-manifest.yaml'));
const socket: Manifest = parseYaml(repoFile('slack-app-manifest.socket-mode.yaml'));

/** Every string value under a key ending in `url`, anywhere in the manifest. */
function urls(value: unknown, key = ''): string[] {
  if (typeof value === 'string') return /url$/.test(key) ? [value] : [];
  if (Array.isArray(value)) return value.flatMap((v) => urls(v, key));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => urls(v, k));
  return [];
}

describe.each([
  ['slack-app-manifest.yaml', http],
  ['slack-app-manifest.socket-mode.yaml', socket],
])('%s', (_file, m: Manifest) => {
  it('declares the /mesh slash command, interactivity and a bot user within Slack’s field limits', () => {
    expect(m.features.slash_commands.map((c: Manifest) => c.command)).toEqual(['/mesh']);
    expect(m.features.slash_commands[0].description.length).toBeGreaterThan(0);
    expect(m.settings.interactivity.is_enabled).toBe(true);
    expect(m.features.bot_user.display_name).toBe('mesh-medic');
    expect(m.display_information.name.length).toBeLessThanOrEqual(35);
    expect(m.display_information.description.length).toBeLessThanOrEqual(140);
    // Slack rejects a long_description outside 175..4000 characters.
    expect(m.display_information.long_description.length).toBeGreaterThanOrEqual(175);
    expect(m.display_information.long_description.length).toBeLessThanOrEqual(4000);
    expect(m.display_information.background_color).toMatch(/^#[0-9a-fA-F]{6}$/);
  });

  it('asks for exactly the minimal bot scopes and no user scopes', () => {
    expect([...m.oauth_config.scopes.bot].sort()).toEqual(BOT_SCOPES);
    expect(m.oauth_config.scopes.user).toBeUndefined();
    // No Events API subscriptions: everything arrives as commands and interactions.
    expect(m.settings.event_subscriptions).toBeUndefined();
  });
});

describe('HTTP mode manifest', () => {
  it('sends the slash command and interactions to the bot’s /slack/events over HTTPS', () => {
    expect(http.settings.socket_mode_enabled).toBe(false);
    expect(http.features.slash_commands[0].url).toMatch(/^https:\/\/[^/]+\/slack\/events$/);
    expect(http.settings.interactivity.request_url).toMatch(/^https:\/\/[^/]+\/slack\/events$/);
    expect(urls(http).length).toBe(2);
    for (const url of urls(http)) expect(url).toMatch(/\/slack\/events$/);
  });
});

describe('Socket Mode manifest', () => {
  it('enables Socket Mode and names no request URL', () => {
    expect(socket.settings.socket_mode_enabled).toBe(true);
    expect(urls(socket)).toEqual([]);
  });

  it('differs from the HTTP manifest only in transport', () => {
    const strip = (m: Manifest) => {
      const copy = structuredClone(m);
      delete copy.settings.socket_mode_enabled;
      delete copy.settings.interactivity.request_url;
      for (const c of copy.features.slash_commands) delete c.url;
      return copy;
    };
    expect(strip(socket)).toEqual(strip(http));
  });
});
