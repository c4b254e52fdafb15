// The emulator page's mrkdwn renderer (a plain ES module the browser loads) run in Node: what a
// person would read, and that hostile text stays text whatever it contains.

import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseMrkdwn, parsePlainText, renderTokens, type Token, tokensToText } from '../../src/sandbox/slack-emulator/page/mrkdwn.js';
import { codeBlock, codeSpan, escapeMrkdwn } from '../../src/slack/mrkdwn.ts';

const ZWSP = '\u200b';
const names = { userName: (id: string) => ({ U0SRE1: 'alice' })[id], channelName: (id: string) => ({ C0MESHPROD: 'mesh-prod' })[id] };
const read = (mrkdwn: string) => tokensToText(parseMrkdwn(mrkdwn), names).replaceAll(ZWSP, '');

/** Token types present anywhere in the tree. */
function typesIn(tokens: Token[]): string[] {
  return tokens.flatMap((t) => [t.type, ...('children' in t ? typesIn(t.children) : [])]);
}

describe('parseMrkdwn', () => {
  it('reads bold, italic, strike, code, pre and quotes as Slack does', () => {
    expect(parseMrkdwn('*bold* _it_ ~st~ `a *b*`')).toEqual([
      { type: 'bold', children: [{ type: 'text', text: 'bold' }] },
      { type: 'text', text: ' ' },
      { type: 'italic', children: [{ type: 'text', text: 'it' }] },
      { type: 'text', text: ' ' },
      { type: 'strike', children: [{ type: 'text', text: 'st' }] },
      { type: 'text', text: ' ' },
      { type: 'code', text: 'a *b*' },
    ]);
    expect(parseMrkdwn('log:\n```\nline *1*\nline 2\n```\nafter')).toEqual([
      { type: 'text', text: 'log:' },
      { type: 'pre', text: 'line *1*\nline 2' },
      { type: 'text', text: 'after' },
    ]);
    expect(parseMrkdwn('> quoted _text_\nplain')).toEqual([
      { type: 'quote', children: [{ type: 'text', text: 'quoted ' }, { type: 'italic', children: [{ type: 'text', text: 'text' }] }] },
      { type: 'text', text: 'plain' },
    ]);
  });

  it('needs word boundaries around style markers, so names and arithmetic stay plain', () => {
    for (const text of ['snake_case_name', '2*3*4', 'a*b*', '* not bold *', 'x ~ y ~ z']) {
      expect(parseMrkdwn(text), text).toEqual([{ type: 'text', text }]);
    }
  });

  it('turns links, mentions and broadcasts into their own tokens, with names resolved', () => {
    const tokens = parseMrkdwn('<https://example.com/a?b=1&amp;c=2|the docs> <@U0SRE1> <#C0MESHPROD> <!here> <!subteam^S1|@sre> <mailto:a@b.c>');
    expect(tokens.filter((t) => t.type !== 'text')).toEqual([
      { type: 'link', url: 'https://example.com/a?b=1&c=2', text: 'the docs' },
      { type: 'user', id: 'U0SRE1' },
      { type: 'channel', id: 'C0MESHPROD' },
      { type: 'broadcast', name: 'here' },
      { type: 'usergroup', id: 'S1', label: '@sre' },
      { type: 'link', url: 'mailto:a@b.c', text: 'mailto:a@b.c' },
    ]);
    expect(tokensToText(tokens, names)).toBe('the docs @alice #mesh-prod @here @sre mailto:a@b.c');
  });

  it('maps known emoji shortcodes to Unicode and leaves unknown ones (and ports) as text', () => {
    expect(read(':red_circle: :white_check_mark: :warning: :large_green_circle: :x: :hourglass_flowing_sand:')).toBe('🔴 ✅ ⚠️ 🟢 ❌ ⏳');
    expect(read(':no_such_emoji: 10.0.0.1:15012: :constructor: :hasownproperty:')).toBe(':no_such_emoji: 10.0.0.1:15012: :constructor: :hasownproperty:');
    expect(tokensToText(parsePlainText('Deploy :rocket:'))).toBe('Deploy 🚀');
    expect(tokensToText(parsePlainText('Deploy :rocket:', false))).toBe('Deploy :rocket:');
  });

  it("keeps mesh-medic's escaped untrusted text exactly as it was written", () => {
    const hostile = '*bold?* _it?_ ~st?~ `tick` <!channel> <@U0SRE1> <https://evil|click> @here & done';
    const escaped = escapeMrkdwn(hostile);
    expect(typesIn(parseMrkdwn(escaped))).toEqual(['text']);
    expect(read(escaped)).toBe(hostile);
    expect(read(codeSpan('a`b <x>'))).toBe('aˋb <x>');
    expect(typesIn(parseMrkdwn(codeBlock('<script>alert(1)</script>\n*x*')))).toEqual(['pre']);
  });

  it('shows raw markup and script-ish links as literal text, never as links', () => {
    const tokens = parseMrkdwn('<script>alert(1)</script> <img src=x onerror=alert(1)> <javascript:alert(1)|click> <data:text/html,x|y>');
    expect(typesIn(tokens)).toEqual(['text']);
    expect(tokensToText(tokens)).toBe('<script>alert(1)</script> <img src=x onerror=alert(1)> <javascript:alert(1)|click> <data:text/html,x|y>');
  });
});

// Just enough of the DOM to see what renderTokens builds.
interface FakeNode {
  tag: string;
  text?: string;
  className: string;
  attrs: Record<string, string>;
  children: FakeNode[];
}

function fakeDocument() {
  const element = (tag: string): FakeNode & Record<string, unknown> => {
    const node: FakeNode & Record<string, unknown> = {
      tag,
      className: '',
      attrs: {},
      children: [],
      append: (...kids: FakeNode[]) => node.children.push(...kids),
      setAttribute: (k: string, v: string) => {
        node.attrs[k] = v;
      },
      classList: { add: (c: string) => (node.className = `${node.className} ${c}`.trim()) },
    };
    Object.defineProperty(node, 'textContent', { set: (v: string) => (node.text = v), get: () => node.text });
    return node;
  };
  return {
    createDocumentFragment: () => element('#fragment'),
    createElement: element,
    createTextNode: (text: string) => ({ ...element('#text'), text }),
  };
}

function walk(node: FakeNode): FakeNode[] {
  return [node, ...node.children.flatMap(walk)];
}

describe('renderTokens', () => {
  it('builds only a fixed set of elements, puts text in text nodes, and links only http(s)', () => {
    const text = '*Alert* <https://ok.example|docs> <javascript:alert(1)|bad> `<b>code</b>` <@U0SRE1> :x: &lt;img src=x onerror=alert(1)&gt; <script>alert(1)</script>';
    const root = renderTokens<FakeNode>(fakeDocument(), parseMrkdwn(text), names);
    const nodes = walk(root);
    const tags = new Set(nodes.map((n) => n.tag));
    expect([...tags].every((t) => ['#fragment', '#text', 'b', 'i', 's', 'blockquote', 'code', 'pre', 'a', 'span'].includes(t))).toBe(true);
    expect(nodes.flatMap((n) => Object.keys(n.attrs)).filter((k) => k.startsWith('on'))).toEqual([]);
    expect(nodes.filter((n) => n.tag === 'a').map((n) => n.attrs.href)).toEqual(['https://ok.example']);
    expect(nodes.find((n) => n.tag === 'code')?.text).toBe('<b>code</b>');
    const readable = nodes.filter((n) => n.text !== undefined).map((n) => n.text).join('');
    expect(readable).toBe('Alert docs <javascript:alert(1)|bad> <b>code</b> @alice ❌ <img src=x onerror=alert(1)> <script>alert(1)</script>');
  });
});

describe('emulator page sources', () => {
  it('never hand message text to an HTML parser', () => {
    const dir = new URL('../../src/sandbox/slack-emulator/page/', import.meta.url);
    const scripts = readdirSync(dir).filter((f) => f.endsWith('.js'));
    expect(scripts).toContain('app.js');
    for (const file of scripts) {
      const source = readFileSync(new URL(file, dir), 'utf8');
      expect(source, file).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function|srcdoc/);
    }
  });
});
