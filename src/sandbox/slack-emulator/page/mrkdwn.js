// Slack mrkdwn -> a small token tree -> DOM nodes. Two steps so the parsing can be tested in Node
// and the DOM step stays trivially safe: it only ever creates a fixed set of elements and fills
// them with textContent / text nodes. Message text comes from clusters and people and is hostile
// by assumption: nothing in it can become markup, a script, an event handler or a non-http link.
//
// Rules followed (https://api.slack.com/reference/surfaces/formatting):
// - `&amp;` `&lt;` `&gt;` are the only escapes; a literal `<` starts a link, mention or command.
// - *bold*, _italic_, ~strike~ open after a boundary (start, space, punctuation) and close before
//   one, on a single line. A zero-width space is not a boundary: that is how mesh-medic's
//   escapeMrkdwn disarms formatting characters in untrusted text, and it must stay disarmed here.
// - `code` and ```pre``` show their content as is; > at the start of a line quotes it.
// - :shortcode: becomes an emoji when known, and stays text otherwise.

import { EMOJI } from './emoji.js';

const ENTITIES = { amp: '&', lt: '<', gt: '>' };
const ZWSP = '\u200b';
const STYLES = { '*': 'bold', _: 'italic', '~': 'strike' };
const SAFE_URL = /^(https?:\/\/|mailto:)/i;
const EMOJI_AT = /^:([a-z0-9_+'-]{1,60}):/;

/** `&amp;` `&lt;` `&gt;` -> `&` `<` `>` (the only entities Slack uses). */
export function decodeEntities(text) {
  return text.replace(/&(amp|lt|gt);/g, (_m, name) => ENTITIES[name]);
}

const isSpace = (ch) => ch === undefined || /\s/.test(ch);
const isBoundary = (ch) => ch === undefined || (ch !== ZWSP && /[\s\p{P}\p{S}]/u.test(ch));

/** mrkdwn text -> tokens (see renderTokens for the token types). */
export function parseMrkdwn(text) {
  const source = String(text ?? '');
  const tokens = [];
  let last = 0;
  for (const m of source.matchAll(/```([\s\S]*?)```/g)) {
    // The line breaks around a fence belong to the block, as in Slack.
    tokens.push(...parseLines(source.slice(last, m.index).replace(/\n$/, '')));
    tokens.push({ type: 'pre', text: decodeEntities(m[1].replace(/^\n/, '').replace(/\n$/, '')) });
    last = m.index + m[0].length;
    if (source[last] === '\n') last++;
  }
  tokens.push(...parseLines(source.slice(last)));
  return tokens;
}

/** plain_text -> tokens: text, plus emoji shortcodes when `emoji` is not false. */
export function parsePlainText(text, emoji = true) {
  const source = String(text ?? '');
  if (emoji === false) return source === '' ? [] : [{ type: 'text', text: source }];
  const tokens = [];
  let buf = '';
  for (let i = 0; i < source.length; i++) {
    const found = source[i] === ':' ? emojiAt(source, i) : undefined;
    if (!found) {
      buf += source[i];
      continue;
    }
    if (buf) tokens.push({ type: 'text', text: buf });
    buf = '';
    tokens.push(found.token);
    i += found.length - 1;
  }
  if (buf) tokens.push({ type: 'text', text: buf });
  return tokens;
}

function parseLines(segment) {
  if (segment === '') return [];
  const lines = segment.split('\n');
  const tokens = [];
  lines.forEach((line, i) => {
    const quote = line.startsWith('>');
    if (quote) tokens.push({ type: 'quote', children: parseInline(line.slice(1).replace(/^ /, ''), '') });
    else tokens.push(...parseInline(line, ''));
    // A quote is a block of its own: it needs no line break after it.
    if (i < lines.length - 1 && !quote && !lines[i + 1].startsWith('>')) tokens.push({ type: 'text', text: '\n' });
  });
  return mergeText(tokens);
}

function parseInline(s, openStyles) {
  const tokens = [];
  let buf = '';
  const flush = () => {
    if (buf) tokens.push({ type: 'text', text: decodeEntities(buf) });
    buf = '';
  };
  let i = 0;
  while (i < s.length) {
    const found = inlineAt(s, i, openStyles);
    if (found) {
      flush();
      tokens.push(found.token);
      i += found.length;
    } else {
      buf += s[i];
      i++;
    }
  }
  flush();
  return mergeText(tokens);
}

function inlineAt(s, i, openStyles) {
  const ch = s[i];
  if (ch === '<') return angleAt(s, i);
  if (ch === '`') return codeAt(s, i);
  if (ch === ':') return emojiAt(s, i);
  if (STYLES[ch] && !openStyles.includes(ch)) return styleAt(s, i, openStyles);
  return undefined;
}

function angleAt(s, i) {
  const end = s.indexOf('>', i + 1);
  if (end <= i + 1) return undefined;
  const inner = s.slice(i + 1, end);
  if (inner.includes('<') || inner.includes('\n')) return undefined;
  return { token: angleToken(inner), length: end - i + 1 };
}

function angleToken(inner) {
  const bar = inner.indexOf('|');
  const target = bar >= 0 ? inner.slice(0, bar) : inner;
  const label = bar >= 0 ? decodeEntities(inner.slice(bar + 1)) : undefined;
  if (target.startsWith('@')) return withLabel({ type: 'user', id: target.slice(1) }, label);
  if (target.startsWith('#')) return withLabel({ type: 'channel', id: target.slice(1) }, label);
  if (target.startsWith('!')) return specialToken(target.slice(1), label);
  const url = decodeEntities(target);
  if (SAFE_URL.test(url)) return { type: 'link', url, text: label || url };
  // Not something Slack would link (javascript:, a bare word): shown exactly as written.
  return { type: 'text', text: `<${decodeEntities(inner)}>` };
}

function withLabel(token, label) {
  return label ? { ...token, label } : token;
}

// <!here>, <!channel>, <!everyone>, <!subteam^ID|@handle>, <!date^…|fallback>
function specialToken(command, label) {
  if (command === 'here' || command === 'channel' || command === 'everyone') return { type: 'broadcast', name: command };
  if (command.startsWith('subteam^')) return withLabel({ type: 'usergroup', id: command.slice('subteam^'.length) }, label);
  return { type: 'text', text: label ?? `<!${decodeEntities(command)}>` };
}

// Like the style markers, a backtick opens and closes code only at a boundary.
function codeAt(s, i) {
  if (!isBoundary(s[i - 1])) return undefined;
  for (let end = s.indexOf('`', i + 1); end > i + 1; end = s.indexOf('`', end + 1)) {
    if (isBoundary(s[end + 1])) return { token: { type: 'code', text: decodeEntities(s.slice(i + 1, end)) }, length: end - i + 1 };
  }
  return undefined;
}

function emojiAt(s, i) {
  const m = EMOJI_AT.exec(s.slice(i, i + 64));
  if (!m || !Object.hasOwn(EMOJI, m[1])) return undefined;
  return { token: { type: 'emoji', name: m[1], unicode: EMOJI[m[1]] }, length: m[0].length };
}

function styleAt(s, i, openStyles) {
  const marker = s[i];
  const next = s[i + 1];
  if (!isBoundary(s[i - 1]) || isSpace(next) || next === marker) return undefined;
  for (let j = i + 2; j < s.length; j++) {
    if (s[j] !== marker || isSpace(s[j - 1]) || !isBoundary(s[j + 1])) continue;
    const children = parseInline(s.slice(i + 1, j), openStyles + marker);
    return { token: { type: STYLES[marker], children }, length: j - i + 1 };
  }
  return undefined;
}

function mergeText(tokens) {
  const out = [];
  for (const t of tokens) {
    const prev = out[out.length - 1];
    if (t.type === 'text' && prev?.type === 'text') out[out.length - 1] = { type: 'text', text: prev.text + t.text };
    else out.push(t);
  }
  return out;
}

/** What the tokens read as, without formatting (for tests, titles and notifications). */
export function tokensToText(tokens, ctx = {}) {
  return tokens.map((t) => tokenText(t, ctx)).join('');
}

function tokenText(t, ctx) {
  switch (t.type) {
    case 'text':
    case 'code':
    case 'pre':
      return t.text;
    case 'link':
      return t.text;
    case 'emoji':
      return t.unicode;
    case 'user':
      return `@${ctx.userName?.(t.id) ?? t.label ?? t.id}`;
    case 'channel':
      return `#${t.label ?? ctx.channelName?.(t.id) ?? t.id}`;
    case 'broadcast':
      return `@${t.name}`;
    case 'usergroup':
      return `@${(t.label ?? t.id).replace(/^@/, '')}`;
    default:
      return tokensToText(t.children ?? [], ctx);
  }
}

const STYLE_TAGS = { bold: 'b', italic: 'i', strike: 's', quote: 'blockquote' };

/**
 * Tokens -> a DocumentFragment. `doc` is the page's document; `ctx` may resolve ids to names
 * (`userName(id)`, `channelName(id)`). Only text nodes and textContent carry message text.
 */
export function renderTokens(doc, tokens, ctx = {}) {
  const fragment = doc.createDocumentFragment();
  for (const t of tokens) fragment.append(renderToken(doc, t, ctx));
  return fragment;
}

function renderToken(doc, t, ctx) {
  if (t.type === 'text') return doc.createTextNode(t.text);
  if (STYLE_TAGS[t.type]) {
    const el = doc.createElement(STYLE_TAGS[t.type]);
    el.append(renderTokens(doc, t.children, ctx));
    return el;
  }
  if (t.type === 'code' || t.type === 'pre') return textElement(doc, t.type === 'code' ? 'code' : 'pre', t.text);
  if (t.type === 'link') return linkElement(doc, t);
  if (t.type === 'emoji') {
    const el = textElement(doc, 'span', t.unicode, 'emoji');
    el.setAttribute('title', `:${t.name}:`);
    return el;
  }
  const mention = textElement(doc, 'span', tokenText(t, ctx), 'mention');
  if (t.type === 'broadcast') mention.classList.add('mention-broadcast');
  return mention;
}

function textElement(doc, tag, text, className) {
  const el = doc.createElement(tag);
  if (className) el.className = className;
  el.textContent = text;
  return el;
}

function linkElement(doc, t) {
  // Parsing let only http(s) and mailto through; checked again where the href is set.
  if (!SAFE_URL.test(t.url)) return doc.createTextNode(t.text);
  const a = textElement(doc, 'a', t.text);
  a.setAttribute('href', t.url);
  a.setAttribute('target', '_blank');
  a.setAttribute('rel', 'noopener noreferrer');
  return a;
}
