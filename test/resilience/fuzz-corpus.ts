// A deterministic corpus of hostile `/mesh` texts: Slack markup that would ping or link (`<!channel>`,
// `<@U…>`, `<http…|…>`), mrkdwn formatting, Block Kit JSON, control and bidi characters, NUL, lone
// surrogates, emoji and other scripts, shell metacharacters, look-alikes of registered cluster
// names, and texts far over the length limit. Same seed, same corpus: a failure is reproducible.

import { mulberry32 } from '../../src/sandbox/generator/prng.ts';

export const HOSTILE_FRAGMENTS: readonly string[] = [
  '<!channel>', '<!here>', '<!everyone>', '<!subteam^S0123|@oncall>', '<@U123>', '<@U0ONCALL01|boss>', '<#C0123|general>',
  '<http://x|y>', '<https://evil.example/login|Click to approve>', '<mailto:a@b.c|mail>', '@channel', '@here', '@everyone',
  '*bold*', '_italic_', '~strike~', '`code`', '```fence```', '> quote', '&amp;', '&lt;!channel&gt;', '&', '<', '>',
  '{"type":"section","text":{"type":"mrkdwn","text":"<!channel>"}}', '[{"type":"actions","elements":[{"type":"button"}]}]',
  '"blocks":[', '\\u003c!channel\\u003e', '$(rm -rf /)', '`id`', '; cat /etc/passwd', '| nc evil 1337', '&& reboot', '../../etc/shadow',
  '%00', '%0a', "' OR 1=1 --", '$HOME', '\\', '\u0000', '\u0007', '\u001b[31m', '\u007f', '\u0085', '\u202e', '\u2066', '\u2069',
  '\u200b', '\u200d', '\ufeff', '\r', '\n', '\t', '\ud800', '\udfff', '🔥', '👩‍💻', '🇩🇪', 'Ω', '日本語', 'مرحبا', 'שלום', 'e\u0301',
  'hosted-east', 'hosted-cp', 'hоsted-east', 'HOSTED-EAST', 'Hosted-East', 'hosted-east\u200b', 'hosted_east', 'hosted-east.', '-hosted-east',
  'hosted-eas', 'hosted-east-', 'hosted--east', 'hosted-east.svc', 'hosted-east/../cp', 'a'.repeat(64), 'x', '0', '-',
  'istiod-remote-endpoints', 'istiod-remote-endpoint', 'cluster-access', 'CLUSTER-ACCESS', 'gateway-readiness*',
];

const SUBCOMMANDS = ['diagnose', 'diagnose', 'diagnose', 'help', 'clusters', 'status', 'playbook', 'audit', 'diagnse', 'DIAGNOSE', 'Diagnose', ''];
const SEPARATORS = [' ', ' ', ' ', '  ', '\t', '\n', '', '\u00a0', '\u3000'];

function pick<T>(rand: () => number, list: readonly T[]): T {
  return list[Math.floor(rand() * list.length)]!;
}

/** Random code points from a few ranges, including controls and astral characters. */
function randomUnicode(rand: () => number, length: number): string {
  const ranges: [number, number][] = [[0x00, 0x7f], [0x80, 0x2ff], [0x2000, 0x206f], [0x0590, 0x06ff], [0x1f300, 0x1faff], [0xd800, 0xdfff]];
  let out = '';
  for (let i = 0; i < length; i++) {
    const [lo, hi] = pick(rand, ranges);
    const cp = lo + Math.floor(rand() * (hi - lo + 1));
    out += cp >= 0xd800 && cp <= 0xdfff ? String.fromCharCode(cp) : String.fromCodePoint(cp);
  }
  return out;
}

function wordsText(rand: () => number): string {
  const parts: string[] = [];
  const sub = pick(rand, SUBCOMMANDS);
  if (sub) parts.push(sub);
  const n = 1 + Math.floor(rand() * 6);
  for (let i = 0; i < n; i++) {
    // Fragments glued together as often as separated: `<!channel>*x*` as one word.
    const glued = rand() < 0.3 ? pick(rand, HOSTILE_FRAGMENTS) + pick(rand, HOSTILE_FRAGMENTS) : pick(rand, HOSTILE_FRAGMENTS);
    parts.push(glued);
  }
  return parts.map((p) => p + pick(rand, SEPARATORS)).join('');
}

function longText(rand: () => number): string {
  const target = pick(rand, [499, 500, 501, 1000, 4000, 12_000]);
  let out = pick(rand, ['diagnose ', 'help ', '']);
  while (out.length < target) out += `${pick(rand, HOSTILE_FRAGMENTS)} `;
  return out.slice(0, target);
}

// Well-formed names that are not registered: they reach the registry lookup ("did you mean").
const LOOKALIKES = ['hosted-eas', 'hosted-east2', 'hostedeast', 'hosted-cp1', 'hosted--east', 'prod-east', 'hosted-eats', 'x', '0', 'a'.repeat(63)];

function lookalikeText(rand: () => number): string {
  // `status` and `clusters` are answered later through response_url, after Redis reads.
  const r = rand();
  if (r < 0.15) return `status ${pick(rand, [...LOOKALIKES, 'hosted-east', ''])}`;
  if (r < 0.25) return pick(rand, ['clusters', ' clusters ', 'CLUSTERS']);
  const checks = Array.from({ length: Math.floor(rand() * 3) }, () => pick(rand, HOSTILE_FRAGMENTS));
  return ['diagnose', pick(rand, LOOKALIKES), ...checks].join(pick(rand, SEPARATORS) || ' ');
}

function oneText(rand: () => number): string {
  const r = rand();
  if (r < 0.5) return wordsText(rand);
  if (r < 0.6) return lookalikeText(rand);
  if (r < 0.72) return longText(rand);
  if (r < 0.9) return `${pick(rand, SUBCOMMANDS)} ${randomUnicode(rand, 1 + Math.floor(rand() * 40))}`;
  // Many check ids (over the per-diagnosis limit) or many arguments.
  return `diagnose ${pick(rand, ['hosted-eats', 'hosted-east', 'prod'])} ${Array.from({ length: 20 + Math.floor(rand() * 20) }, () => pick(rand, HOSTILE_FRAGMENTS)).join(' ')}`;
}

/** `count` texts from `seed`; `keep` filters (the caller leaves out texts that would start work). */
export function hostileCorpus(count: number, seed: number, keep: (text: string) => boolean = () => true): string[] {
  const rand = mulberry32(seed);
  const out: string[] = [];
  while (out.length < count) {
    const text = oneText(rand);
    if (keep(text)) out.push(text);
  }
  return out;
}
