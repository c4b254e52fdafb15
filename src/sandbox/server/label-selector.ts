// Label selectors as the API server parses them from `?labelSelector=`: equality (`=`, `==`),
// inequality (`!=`), `in (...)`, `notin (...)`, exists (`key`), not exists (`!key`), `gt`/`lt`
// (`>`/`<` with integers); comma means AND. Malformed input is a 400, as on a real server.

import { badRequest } from './status.ts';

export type LabelOp = '=' | '!=' | 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';

export interface LabelRequirement {
  key: string;
  op: LabelOp;
  values: string[];
}

type Token =
  | { kind: 'id'; text: string }
  | { kind: 'op'; text: '!' | '=' | '==' | '!=' | '(' | ')' | ',' | '>' | '<' }
  | { kind: 'end' };

const SPECIAL = new Set(['!', '=', '(', ')', ',', '<', '>']);

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (SPECIAL.has(c)) {
      const two = input.slice(i, i + 2);
      if (two === '==' || two === '!=') {
        tokens.push({ kind: 'op', text: two });
        i += 2;
      } else {
        tokens.push({ kind: 'op', text: c as '!' });
        i++;
      }
    } else {
      let j = i;
      while (j < input.length && !SPECIAL.has(input[j] as string) && !/\s/.test(input[j] as string)) j++;
      tokens.push({ kind: 'id', text: input.slice(i, j) });
      i = j;
    }
  }
  tokens.push({ kind: 'end' });
  return tokens;
}

const NAME = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** A qualified label key: `[prefix/]name`, name ≤ 63 characters, prefix a DNS subdomain. */
export function validLabelKey(key: string): boolean {
  const parts = key.split('/');
  if (parts.length > 2) return false;
  const name = parts[parts.length - 1] as string;
  if (name.length > 63 || !NAME.test(name)) return false;
  if (parts.length === 2) {
    const prefix = parts[0] as string;
    return prefix.length <= 253 && DNS_SUBDOMAIN.test(prefix);
  }
  return true;
}

/** A label value: empty, or ≤ 63 characters of alphanumerics, `-`, `_`, `.` starting and ending alphanumeric. */
export function validLabelValue(value: string): boolean {
  return value === '' || (value.length <= 63 && NAME.test(value));
}

class Parser {
  private pos = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly input: string,
  ) {}

  parse(): LabelRequirement[] {
    const reqs: LabelRequirement[] = [];
    if (this.peek().kind === 'end') return reqs;
    for (;;) {
      reqs.push(this.requirement());
      const t = this.next();
      if (t.kind === 'end') return reqs;
      if (!(t.kind === 'op' && t.text === ',')) this.fail(`found '${text(t)}', expected: ',' or 'end of string'`);
    }
  }

  private requirement(): LabelRequirement {
    const first = this.next();
    if (first.kind === 'op' && first.text === '!') return { key: this.key(this.next()), op: '!', values: [] };
    const key = this.key(first);
    const t = this.peek();
    if (t.kind === 'end' || (t.kind === 'op' && t.text === ',')) return { key, op: 'exists', values: [] };
    this.pos++;
    if (t.kind === 'id' && (t.text === 'in' || t.text === 'notin')) return { key, op: t.text, values: this.set() };
    if (t.kind === 'op' && (t.text === '=' || t.text === '==' || t.text === '!=')) {
      return { key, op: t.text === '!=' ? '!=' : '=', values: [this.value(true)] };
    }
    if (t.kind === 'op' && (t.text === '>' || t.text === '<')) {
      const v = this.value(false);
      if (!/^-?\d+$/.test(v)) this.fail(`for 'Gt', 'Lt' operators, the value must be an integer`);
      return { key, op: t.text === '>' ? 'gt' : 'lt', values: [v] };
    }
    return this.fail(`found '${text(t)}', expected: in, notin, =, ==, !=, gt, lt`);
  }

  private key(t: Token): string {
    if (t.kind !== 'id') return this.fail(`found '${text(t)}', expected: identifier`);
    if (!validLabelKey(t.text)) this.fail(`invalid label key "${t.text}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`);
    return t.text;
  }

  /** One value after `=`/`!=`; may be empty (`a=` selects an empty value) when allowEmpty. */
  private value(allowEmpty: boolean): string {
    const t = this.peek();
    if (t.kind === 'id') {
      this.pos++;
      if (!validLabelValue(t.text)) this.fail(`invalid label value: "${t.text}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`);
      return t.text;
    }
    if (allowEmpty && (t.kind === 'end' || (t.kind === 'op' && t.text === ','))) return '';
    return this.fail(`found '${text(t)}', expected: identifier`);
  }

  private set(): string[] {
    const open = this.next();
    if (!(open.kind === 'op' && open.text === '(')) this.fail(`found '${text(open)}', expected: '('`);
    const values: string[] = [];
    for (;;) {
      const t = this.next();
      if (t.kind === 'op' && t.text === ')' && values.length === 0) return this.fail('for \'in\', \'notin\' operators, values set can\'t be empty');
      if (t.kind !== 'id') return this.fail(`found '${text(t)}', expected: identifier`);
      if (!validLabelValue(t.text)) this.fail(`invalid label value: "${t.text}"`);
      values.push(t.text);
      const sep = this.next();
      if (sep.kind === 'op' && sep.text === ')') return values;
      if (!(sep.kind === 'op' && sep.text === ',')) this.fail(`found '${text(sep)}', expected: ',' or ')'`);
    }
  }

  private peek(): Token {
    return this.tokens[this.pos] ?? { kind: 'end' };
  }

  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'end') this.pos++;
    return t;
  }

  private fail(detail: string): never {
    throw badRequest(`unable to parse requirement: ${detail} (in label selector "${this.input}")`);
  }
}

function text(t: Token): string {
  return t.kind === 'end' ? '' : t.text;
}

/** Parses `?labelSelector=`; throws a 400 ApiError on malformed input. */
export function parseLabelSelector(input: string): LabelRequirement[] {
  return new Parser(tokenize(input), input).parse();
}

function matchesOne(req: LabelRequirement, labels: Readonly<Record<string, string>>): boolean {
  const has = Object.hasOwn(labels, req.key);
  const value = labels[req.key];
  switch (req.op) {
    case 'exists':
      return has;
    case '!':
      return !has;
    case '=':
    case 'in':
      return has && req.values.includes(value as string);
    case '!=':
    case 'notin':
      return !has || !req.values.includes(value as string);
    case 'gt':
    case 'lt': {
      if (!has || !/^-?\d+$/.test(value as string)) return false;
      const diff = Number(value) - Number(req.values[0]);
      return req.op === 'gt' ? diff > 0 : diff < 0;
    }
  }
}

export function matchesLabels(reqs: readonly LabelRequirement[], labels: Readonly<Record<string, string>> | undefined): boolean {
  const l = labels ?? {};
  return reqs.every((r) => matchesOne(r, l));
}

/** A `metav1.LabelSelector` (matchLabels + matchExpressions), as Deployments and ReplicaSets carry. */
export function requirementsOfSelector(selector: unknown): LabelRequirement[] {
  if (typeof selector !== 'object' || selector === null) return [];
  const { matchLabels, matchExpressions } = selector as { matchLabels?: unknown; matchExpressions?: unknown };
  const reqs: LabelRequirement[] = [];
  if (typeof matchLabels === 'object' && matchLabels !== null) {
    for (const [key, value] of Object.entries(matchLabels)) reqs.push({ key, op: '=', values: [String(value)] });
  }
  if (Array.isArray(matchExpressions)) {
    for (const e of matchExpressions as { key: string; operator: string; values?: string[] }[]) {
      const op = ({ In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' } as const)[
        e.operator as 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'
      ];
      if (op) reqs.push({ key: e.key, op, values: e.values ?? [] });
    }
  }
  return reqs;
}

/** A Service-style selector (a plain map): every pair must match; an empty map matches nothing. */
export function matchesServiceSelector(selector: Readonly<Record<string, string>>, labels: Readonly<Record<string, string>> | undefined): boolean {
  const entries = Object.entries(selector);
  if (entries.length === 0) return false;
  const l = labels ?? {};
  return entries.every(([k, v]) => l[k] === v);
}
