// What "no unescaped user text" means for a message mesh-medic shows, as checks on the text itself:
// Slack would turn `<…>` into a mention, a broadcast or a link, `&` starts an entity, control and
// bidi characters disguise text, a stray backtick breaks out of a code span, and `*_~` outside
// code restyle the words around them. Returns what is wrong (empty when the text is safe).

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const UNSAFE_CHARS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const FORMATTING = /[*_~]/;

/** Text outside inline code spans (Slack applies no formatting inside them). */
function outsideCode(text: string): string {
  return text.replace(/`[^`]*`/g, ' ');
}

/** Problems with `shown`, a text the bot put in a message answering a user who typed `typed`
 *  (a text, or its words already split). */
export function unescapedUserText(shown: string, typed: string | readonly string[]): string[] {
  const problems: string[] = [];
  if (shown.includes('<')) problems.push(`raw "<" (a mention, broadcast or link): ${excerpt(shown, shown.indexOf('<'))}`);
  if (UNSAFE_CHARS.test(shown)) problems.push('a control or bidi-override character');
  const badAmp = /&(?!amp;|lt;|gt;)/.exec(shown);
  if (badAmp) problems.push(`an "&" that is not an entity: ${excerpt(shown, badAmp.index)}`);
  if ((shown.match(/`/g) ?? []).length % 2 !== 0) problems.push('an odd number of backticks (a code span was broken out of)');
  const plain = outsideCode(shown);
  if (/@(channel|here|everyone)\b/i.test(plain)) problems.push('a plain-text broadcast (@channel/@here/@everyone) outside code');
  const words = typeof typed === 'string' ? formattedWords(typed) : typed;
  for (const word of words) {
    if (plain.includes(word)) problems.push(`the typed word ${JSON.stringify(word)} verbatim outside code`);
  }
  return problems;
}

/** The words of `typed` that carry mrkdwn formatting characters (what must not appear raw). */
export function formattedWords(typed: string): string[] {
  return [...new Set(typed.split(/\s+/).filter((w) => w.length >= 2 && FORMATTING.test(w)))];
}

function excerpt(text: string, at: number): string {
  return JSON.stringify(text.slice(Math.max(0, at - 30), at + 30));
}
