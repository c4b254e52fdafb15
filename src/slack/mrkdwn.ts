// Escaping for Slack mrkdwn. Every piece of text that came from a cluster or a user (object names,
// log lines, summaries, slash-command text) goes through one of these before it reaches a message:
// a hostile pod name must not ping @channel, fake a link, or restyle the report around it.
//
// Slack has no backslash escape. It requires `&`, `<` and `>` as HTML entities (that alone
// disarms links and mentions, which are all written `<...>`), and formatting characters are
// disarmed here by wrapping each one in zero-width spaces: a `*` then has a zero-width space on
// both sides, so whether Slack treats that character as a word character (no word boundary before
// the `*`) or as whitespace (whitespace right after an opening `*`), it cannot open or close bold.

const ZWSP = '\u200b';
const ELLIPSIS = '…';

// C0 controls except tab and newline, DEL, C1 controls, and the bidirectional overrides and
// isolates that can make text read differently from what it is ("Trojan source").
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const UNSAFE_CHARS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

const FORMATTING = /[*_~`]/g;
// Plain-text broadcast mentions (Slack only parses them with link_names, which we never set, but
// an invisible joiner costs nothing and survives a future change of that flag).
const BROADCAST = /@(channel|here|everyone)\b/gi;

/** Replaces control and bidi-override characters with U+FFFD; keeps tabs and newlines. */
export function scrubControl(text: string): string {
  return text.replace(UNSAFE_CHARS, '\ufffd');
}

function escapeEntities(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Untrusted text -> mrkdwn that shows exactly that text: no links, mentions or formatting. */
export function escapeMrkdwn(text: string): string {
  return escapeEntities(scrubControl(text))
    .replace(FORMATTING, (c) => `${ZWSP}${c}${ZWSP}`)
    .replace(BROADCAST, (_m, word: string) => `@${ZWSP}${word}`);
}

/** Newlines and tabs -> single spaces: for text that must stay on one line (list items, names). */
export function oneLine(text: string): string {
  return text.replace(/[\r\n\t]+/g, ' ');
}

// Inside code Slack applies no formatting, but a backtick would end the span; the look-alike
// U+02CB keeps the text readable without a way out.
function codeSafe(text: string): string {
  return escapeEntities(scrubControl(text)).replace(/`/g, '\u02cb');
}

/** Inline code: `text`, on one line; its escaped content cut to `max` characters. */
export function codeSpan(text: string, max = Number.POSITIVE_INFINITY): string {
  const inner = truncate(codeSafe(oneLine(text)), max);
  return `\`${inner === '' ? '\u00a0' : inner}\``;
}

/** A fenced code block (log lines): newlines kept, nothing inside can close the fence. */
export function codeBlock(text: string, max = Number.POSITIVE_INFINITY): string {
  return `\`\`\`\n${truncate(codeSafe(text.replace(/\r/g, '')), max)}\n\`\`\``;
}

// Units that must never be cut in half: an entity from escapeEntities, a formatting character
// wrapped in zero-width spaces, a broadcast word's joiner, or one code point (surrogate pairs).
const ATOM = /&(?:amp|lt|gt);|\u200b[*_~`]\u200b|@\u200b|[\s\S]/gu;

/**
 * At most `max` characters, ending with `…` when cut. Cuts only between whole entities,
 * neutralised formatting characters and code points, so an escaped text stays escaped.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  const budget = max - ELLIPSIS.length;
  let out = '';
  for (const atom of text.match(ATOM) ?? []) {
    if (out.length + atom.length > budget) break;
    out += atom;
  }
  return `${out}${ELLIPSIS}`;
}

/** Untrusted text, escaped and cut to at most `max` characters of mrkdwn. */
export function escapeTruncated(text: string, max: number): string {
  // Cutting the raw text first keeps a 10 kB log line from being escaped in full.
  return truncate(escapeMrkdwn(truncate(text, max)), max);
}
