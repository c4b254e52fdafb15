import { describe, expect, it } from 'vitest';
import { codeBlock, codeSpan, escapeMrkdwn, escapeTruncated, truncate } from '../../src/slack/mrkdwn.ts';

const ZWSP = '\u200b';

describe('escapeMrkdwn', () => {
  it('turns &, < and > into the entities Slack requires, so no link or mention survives', () => {
    expect(escapeMrkdwn('a & b <!channel> <@U123> <https://evil|click>')).toBe(
      'a &amp; b &lt;!channel&gt; &lt;@U123&gt; &lt;https://evil|click&gt;',
    );
  });

  it('wraps every formatting character in zero-width spaces so it cannot open or close a style', () => {
    expect(escapeMrkdwn('*bold* _it_ ~st~ `c`')).toBe(
      [`${ZWSP}*${ZWSP}bold${ZWSP}*${ZWSP}`, `${ZWSP}_${ZWSP}it${ZWSP}_${ZWSP}`, `${ZWSP}~${ZWSP}st${ZWSP}~${ZWSP}`, `${ZWSP}\`${ZWSP}c${ZWSP}\`${ZWSP}`].join(' '),
    );
  });

  it('breaks plain-text broadcast mentions and keeps the words readable', () => {
    const out = escapeMrkdwn('ping @channel and @HERE or @everyone, not @chan');
    expect(out).not.toMatch(/@(channel|here|everyone)/i);
    expect(out.replaceAll(ZWSP, '')).toBe('ping @channel and @HERE or @everyone, not @chan');
  });

  it('replaces control characters and bidi overrides, keeping newlines and tabs', () => {
    expect(escapeMrkdwn('a\u0007b\u001b[31mc\u202ed\ne\tf')).toBe('a\ufffdb\ufffd[31mc\ufffdd\ne\tf');
  });

  it('leaves ordinary text and unicode alone', () => {
    expect(escapeMrkdwn('prod-east: 10.0.0.1:15012 i/o timeout — 日本語 🚀')).toBe('prod-east: 10.0.0.1:15012 i/o timeout — 日本語 🚀');
  });
});

describe('codeSpan and codeBlock', () => {
  it('cannot be closed early by a backtick in the text', () => {
    const span = codeSpan('a`b<c>&d');
    expect(span).toBe('`a\u02cbb&lt;c&gt;&amp;d`');
    expect(span.match(/`/g)).toHaveLength(2);
    const block = codeBlock('line 1 ``` escape\n<!here>');
    expect(block).toBe('```\nline 1 \u02cb\u02cb\u02cb escape\n&lt;!here&gt;\n```');
  });

  it('keeps a code span on one line and cuts its content without splitting an entity', () => {
    expect(codeSpan('a\nb')).toBe('`a b`');
    expect(codeSpan('<<<<<<', 8)).toBe('`&lt;…`');
  });
});

describe('truncate', () => {
  it('returns short text unchanged and ends cut text with an ellipsis within the limit', () => {
    expect(truncate('short', 10)).toBe('short');
    const cut = truncate('x'.repeat(100), 10);
    expect(cut).toBe(`${'x'.repeat(9)}…`);
    expect(cut.length).toBe(10);
  });

  it('never splits an entity, a neutralised formatting character or a surrogate pair', () => {
    expect(truncate('&amp;&amp;&amp;', 8)).toBe('&amp;…');
    expect(truncate(escapeMrkdwn('****'), 5)).toBe(`${ZWSP}*${ZWSP}…`);
    expect(truncate('🚀🚀🚀', 4)).toBe('🚀…');
  });

  it('escapeTruncated bounds the escaped result, even for very long hostile text', () => {
    const out = escapeTruncated('<!channel>'.repeat(1000), 100);
    expect(out.length).toBeLessThanOrEqual(100);
    expect(out).not.toContain('<');
    expect(out.endsWith('…')).toBe(true);
  });
});
