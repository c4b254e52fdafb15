import { describe, expect, it } from 'vitest';
import { CommandError, MAX_CHECK_IDS, parseMeshCommand, suggestClosest } from '../../src/slack/commands/parse.ts';

function refused(text: string): CommandError {
  const result = parseMeshCommand(text);
  if (result.ok) throw new Error(`expected "${text.slice(0, 40)}" to be refused, got ${JSON.stringify(result)}`);
  expect(result).toBeInstanceOf(CommandError);
  expect(result.code).toBe('USAGE');
  return result;
}

/** What an error message may contain: no link/mention syntax, no control characters, and no
 *  formatting characters outside code spans (inside them Slack formats nothing). */
function expectSafeMrkdwn(message: string): void {
  expect(message).not.toMatch(/[<>]/);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: asserting their absence
  expect(message).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
  expect((message.match(/`/g)?.length ?? 0) % 2).toBe(0);
  const outsideCode = message.replace(/`[^`]*`/g, '');
  expect(outsideCode).not.toMatch(/[*_~`]/);
  expect(outsideCode).not.toMatch(/@(channel|here|everyone)/i);
  expect(message.length).toBeLessThan(600);
}

describe('parseMeshCommand: valid commands', () => {
  it('treats empty or blank text as help', () => {
    expect(parseMeshCommand('')).toEqual({ ok: true, command: 'help' });
    expect(parseMeshCommand('   ')).toEqual({ ok: true, command: 'help' });
  });

  it('parses every subcommand, case-insensitively, with any whitespace between words', () => {
    expect(parseMeshCommand('help')).toEqual({ ok: true, command: 'help' });
    expect(parseMeshCommand('HELP Diagnose')).toEqual({ ok: true, command: 'help', topic: 'diagnose' });
    expect(parseMeshCommand('Clusters')).toEqual({ ok: true, command: 'clusters' });
    expect(parseMeshCommand('  diagnose\tprod-east  ')).toEqual({ ok: true, command: 'diagnose', cluster: 'prod-east', checks: [] });
    expect(parseMeshCommand('DiAgNoSe prod-east istiod-remote-endpoints gateway-readiness')).toEqual({
      ok: true,
      command: 'diagnose',
      cluster: 'prod-east',
      checks: ['istiod-remote-endpoints', 'gateway-readiness'],
    });
    expect(parseMeshCommand('playbook subset-no-endpoints')).toEqual({ ok: true, command: 'playbook', id: 'subset-no-endpoints' });
    expect(parseMeshCommand('status')).toEqual({ ok: true, command: 'status' });
    expect(parseMeshCommand('status prod-east')).toEqual({ ok: true, command: 'status', cluster: 'prod-east' });
    expect(parseMeshCommand('audit')).toEqual({ ok: true, command: 'audit' });
    expect(parseMeshCommand('audit a1')).toEqual({ ok: true, command: 'audit', cluster: 'a1' });
  });

  it('drops repeated check ids, keeping the first order', () => {
    expect(parseMeshCommand('diagnose c1 b a b c')).toMatchObject({ checks: ['b', 'a', 'c'] });
  });

  it('accepts exactly 25 check ids and 63-character names', () => {
    const checks = Array.from({ length: MAX_CHECK_IDS }, (_, i) => `check-${i}`);
    expect(parseMeshCommand(`diagnose c ${checks.join(' ')}`)).toMatchObject({ ok: true, checks });
    const long = `a${'-'.repeat(61)}b`;
    expect(parseMeshCommand(`diagnose ${long}`)).toMatchObject({ ok: true, cluster: long });
  });
});

describe('parseMeshCommand: errors', () => {
  it('refuses text over 500 characters without quoting it', () => {
    const err = refused(`diagnose ${'a'.repeat(600)}`);
    expect(err.reason).toBe('too-long');
    expect(err.message).toContain('the limit is 500');
    expect(err.message).not.toContain('aaaa');
  });

  it('refuses control characters and invisible bidi overrides', () => {
    expect(refused('diagnose prod\u0000east').reason).toBe('control-characters');
    expect(refused('diagnose \u001b[31mprod').reason).toBe('control-characters');
    expect(refused('diagnose prod\u202eeast').reason).toBe('control-characters');
  });

  it('lists the valid commands for an unknown one and suggests the closest', () => {
    const err = refused('diagnoes prod-east');
    expect(err.reason).toBe('unknown-subcommand');
    expect(err.message).toContain('Did you mean `diagnose`?');
    for (const sub of ['help', 'clusters', 'diagnose', 'playbook', 'status', 'audit']) expect(err.message).toContain(`\`${sub}\``);
    expect(refused('frobnicate').message).not.toContain('Did you mean');
  });

  it('asks for the missing argument with the usage line', () => {
    const diag = refused('diagnose');
    expect(diag.reason).toBe('missing-argument');
    expect(diag.message).toBe('Which cluster? Usage: `/mesh diagnose &lt;cluster&gt; [check-id ...]`');
    expect(refused('playbook').reason).toBe('missing-argument');
  });

  it('refuses extra arguments', () => {
    for (const text of ['clusters prod', 'playbook a b', 'status a b', 'audit a b', 'help a b']) {
      expect(refused(text).reason).toBe('too-many-arguments');
    }
  });

  it('refuses more than 25 check ids', () => {
    const checks = Array.from({ length: MAX_CHECK_IDS + 1 }, (_, i) => `c${i}`);
    const err = refused(`diagnose prod ${checks.join(' ')}`);
    expect(err.reason).toBe('too-many-checks');
    expect(err.message).toContain('at most 25');
  });

  it('refuses names that are not DNS labels, suggesting the lowercase form when that is valid', () => {
    const upper = refused('diagnose Prod-East');
    expect(upper.reason).toBe('invalid-name');
    expect(upper.message).toContain('did you mean `prod-east`?');
    for (const bad of ['-prod', 'prod-', 'prod_east', 'a'.repeat(64), 'prod.east', 'prød']) {
      expect(refused(`diagnose ${bad}`).reason, bad).toBe('invalid-name');
    }
    expect(refused('diagnose prod Bad_Check').message).toContain('not a valid check id');
    expect(refused('playbook ../etc/passwd').message).toContain('not a valid playbook id');
    expect(refused('status PROD!').message).toContain('not a valid cluster name');
  });
});

describe('parseMeshCommand: hostile input never reaches Slack unescaped', () => {
  const hostile = [
    'x'.repeat(10_240),
    '<!channel> please',
    'diagnose <!channel>',
    'diagnose <!here|here>',
    'diagnose <@U0ADMIN01>',
    'diagnose <https://evil.example|click-me>',
    '*bold* _italic_ ~strike~',
    'diagnose *bold*',
    'diagnose `code` ```block```',
    'status @channel',
    'playbook &amp;&lt;',
    'diagnose prod-east Ünïcödé-✓ 🚀',
    'diagnose שלום',
    `diagnose ${'<!everyone>'.repeat(40)}`,
    'diagnose prod\u0007',
    'diagnose \u2066hidden\u2069',
  ];

  it.each(hostile)('%#: the error message is escaped, bounded and quotes at most a short piece', (text) => {
    const err = refused(text);
    expectSafeMrkdwn(err.message);
  });

  it('quotes a refused word in a code span, escaped and truncated to 40 characters', () => {
    const err = refused(`diagnose ${'<!channel>'.repeat(10)}`);
    const quoted = /`([^`]*)`/.exec(err.message)?.[1];
    expect(quoted).toBeDefined();
    expect(quoted!.startsWith('&lt;!channel&gt;')).toBe(true);
    expect(quoted!.endsWith('…')).toBe(true);
    expect(quoted!.replace(/&[a-z]+;/g, '<').length).toBeLessThanOrEqual(40);
  });

  it('returns only validated tokens, never the raw text', () => {
    const result = parseMeshCommand('  DIAGNOSE   prod-east   a-check  ');
    expect(JSON.stringify(result)).toBe('{"ok":true,"command":"diagnose","cluster":"prod-east","checks":["a-check"]}');
  });
});

describe('suggestClosest', () => {
  const clusters = ['prod-east', 'prod-west', 'staging', 'hosted-cp'];

  it('finds the closest plausible typo, case-insensitively', () => {
    expect(suggestClosest('prod-eats', clusters)).toBe('prod-east');
    expect(suggestClosest('PROD-WEST', clusters)).toBe('prod-west');
    expect(suggestClosest('stagin', clusters)).toBe('staging');
  });

  it('suggests nothing for unrelated, empty or absurdly long names', () => {
    expect(suggestClosest('database', clusters)).toBeUndefined();
    expect(suggestClosest('', clusters)).toBeUndefined();
    expect(suggestClosest('prod-east'.repeat(50), clusters)).toBeUndefined();
    expect(suggestClosest('prod-east', [])).toBeUndefined();
  });
});
