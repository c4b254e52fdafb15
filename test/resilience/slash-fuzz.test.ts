// 5,000 hostile `/mesh` texts, signed as Slack signs them, sent to the real Bolt receiver 50 at a
// time: the bot must stay up, start no work for any of them, and answer each with a message in
// which nothing the user typed can ping, link, restyle or disguise anything. The same corpus
// goes straight to the parser too, which is where most of that safety is decided.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECKS } from '../../src/checks/index.ts';
import { CommandError, NAME_PATTERN, parseMeshCommand } from '../../src/slack/commands/parse.ts';
import { renderError } from '../../src/slack/render/index.ts';
import { hostileCorpus } from './fuzz-corpus.ts';
import { blockTexts, CHANNEL, type Rig, slash, startRig, totalJobs } from './harness.ts';
import { formattedWords, unescapedUserText } from './shown-text.ts';

const CORPUS_SIZE = 5000;
const BATCH = 50;
const SEED = 0x5eed_0008;
const REGISTERED = ['hosted-east', 'hosted-cp'];
const CHECK_IDS = CHECKS.map((c) => c.id);

/** Would this text start a diagnosis (a registered cluster, known checks)? Those are not hostile input. */
function startsWork(text: string): boolean {
  const parsed = parseMeshCommand(text);
  return !(parsed instanceof CommandError) && parsed.command === 'diagnose' && REGISTERED.includes(parsed.cluster) && parsed.checks.every((c) => CHECK_IDS.includes(c));
}

const corpus = hostileCorpus(CORPUS_SIZE, SEED, (text) => !startsWork(text));

describe('the safety check itself', () => {
  it('catches each way raw user text could misbehave in a message', () => {
    const typed = '<!channel> *boom* &x `tick';
    expect(unescapedUserText(':warning: <!channel>', typed)).toHaveLength(1);
    expect(unescapedUserText('Unknown command *boom*.', typed)).toHaveLength(1);
    expect(unescapedUserText('see &x', typed)).toHaveLength(1);
    expect(unescapedUserText('`a` `tick', typed)).toHaveLength(1);
    expect(unescapedUserText('hi \u202e there', typed)).toHaveLength(1);
    expect(unescapedUserText('ping @here', typed)).toHaveLength(1);
    // What the escaping produces passes.
    expect(unescapedUserText('Unknown command `&lt;!channel&gt;` or \u200b*\u200bboom\u200b*\u200b, `*boom*`', typed)).toEqual([]);
  });
});

describe('the /mesh parser on the hostile corpus', () => {
  it('refuses or accepts every text without throwing, keeps only valid names, and words every refusal safely', () => {
    const reasons = new Map<string, number>();
    for (const text of corpus) {
      const parsed = parseMeshCommand(text);
      // Deterministic: the same text always gets the same answer.
      expect(parseMeshCommand(text)).toEqual(parsed);
      if (parsed instanceof CommandError) {
        reasons.set(parsed.reason, (reasons.get(parsed.reason) ?? 0) + 1);
        const shown = renderError(parsed.message);
        for (const t of [shown.text, ...blockTexts(shown.blocks)]) expect(unescapedUserText(t, text), JSON.stringify(text)).toEqual([]);
        continue;
      }
      // What a valid command carries is validated names only, never raw text.
      const names = Object.entries(parsed).flatMap(([k, v]) => (k === 'ok' || k === 'command' || k === 'topic' ? [] : [v].flat()));
      for (const name of names) expect(String(name)).toMatch(NAME_PATTERN);
    }
    // The corpus reaches every refusal the parser has (a corpus that only hit one would prove little).
    expect([...reasons.keys()].sort()).toEqual(['control-characters', 'invalid-name', 'missing-argument', 'too-long', 'too-many-arguments', 'too-many-checks', 'unknown-subcommand']);
  });
});

describe('the bot under 5,000 hostile slash commands', () => {
  let rig: Rig;

  beforeAll(async () => {
    rig = await startRig({ scenarios: ['hosted-xds-timeout'] });
  });

  afterAll(async () => {
    await rig?.stop();
  });

  it('stays up, enqueues nothing, and answers every one with nothing unescaped', async () => {
    const problems: string[] = [];
    const seen = { unknownCluster: 0, invalidName: 0, later: 0 };
    for (let i = 0; i < corpus.length; i += BATCH) {
      const batch = corpus.slice(i, i + BATCH);
      const answers = await Promise.all(batch.map((text) => slash(rig, text)));
      answers.forEach((a, j) => {
        const typed = batch[j]!;
        if (a.ackText.includes('Unknown cluster')) seen.unknownCluster++;
        if (a.ackText.includes('is not a valid cluster name')) seen.invalidName++;
        if (a.body === '') seen.later++;
        if (a.status !== 200) problems.push(`${JSON.stringify(typed)}: HTTP ${a.status}`);
        // An empty ack is followed by respond() (clusters, status): those are checked below.
        if (a.body !== '' && a.ack?.response_type !== 'ephemeral') problems.push(`${JSON.stringify(typed)}: not an ephemeral answer: ${a.body.slice(0, 200)}`);
        for (const t of [a.ack?.text ?? '', ...blockTexts(a.ack?.blocks ?? [])]) {
          for (const p of unescapedUserText(t, typed)) problems.push(`${JSON.stringify(typed.slice(0, 200))}: ${p}`);
        }
      });
    }
    expect(problems.slice(0, 20)).toEqual([]);
    // The storm reached the registry lookup, the name check and the Redis-backed answers.
    expect(seen.unknownCluster).toBeGreaterThan(50);
    expect(seen.invalidName).toBeGreaterThan(50);
    expect(seen.later).toBeGreaterThan(40);

    // Answers sent later through response_url hold no user text either.
    const typedWords = formattedWords(corpus.join(' '));
    const later = rig.slack.ephemerals(CHANNEL);
    expect(later.length).toBeGreaterThan(0);
    for (const m of later) {
      for (const t of [m.text, ...blockTexts(m.blocks)]) expect(unescapedUserText(t, typedWords), t).toEqual([]);
    }
    // Nothing was started and nothing posted in the channel; the bot still answers.
    expect(await totalJobs(rig)).toBe(0);
    expect(rig.slack.messages(CHANNEL)).toEqual([]);
    expect((await fetch(`${rig.bot.http.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${rig.bot.http.url}/readyz`)).status).toBe(200);
    // And it still works: a real command after the storm is queued.
    expect((await slash(rig, 'diagnose hosted-cp')).ackText).toContain('Queued a diagnosis of *hosted-cp*');
    expect(await totalJobs(rig)).toBe(1);
  });
});
