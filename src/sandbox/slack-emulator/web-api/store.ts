// The fake workspace's state: channels with messages, threads and edits, ephemeral messages and
// modals, as a person looking at Slack would see them. Readers get copies, so a test cannot
// change what the bot posted by mutating a result.

export interface MessageVersion {
  text: string;
  blocks: unknown[];
}

export interface StoredMessage {
  channel: string;
  ts: string;
  /** Set on replies: the parent's ts. */
  thread_ts?: string;
  text: string;
  blocks: unknown[];
  /** Who posted it: the bot user, or the user an `in_channel` response_url answer came from. */
  user: string;
  /** Earlier versions, oldest first (one per `chat.update`). */
  edits: MessageVersion[];
}

export interface EphemeralMessage {
  channel: string;
  /** The only person who sees it. */
  user: string;
  ts: string;
  thread_ts?: string;
  text: string;
  blocks: unknown[];
  /**
   * How it was sent: by the bot (`chat.postEphemeral`, a response_url answer, or the body of its
   * HTTP answer to a slash command), or by the emulator itself (a Slack-style error notice).
   */
  via: 'chat.postEphemeral' | 'response_url' | 'command_response' | 'emulator';
}

export interface StoredView {
  id: string;
  external_id?: string;
  hash: string;
  /** The trigger_id `views.open` was called with: ties the modal to the click that opened it. */
  trigger_id?: string;
  view: Record<string, unknown>;
  /** Versions replaced by `views.update`, oldest first. */
  history: Record<string, unknown>[];
}

export type StoreEvent =
  | { type: 'message'; message: StoredMessage }
  | { type: 'message_changed'; message: StoredMessage }
  | { type: 'message_deleted'; channel: string; ts: string }
  | { type: 'ephemeral'; message: EphemeralMessage }
  | { type: 'view'; view: StoredView };

// Without a clock the first message gets ts 1700000000.000100, each one after it 100 µs later.
const FIRST_TS_MICROS = 1_700_000_000_000_100;
const TS_STEP_MICROS = 100;

const copy = <T>(v: T): T => structuredClone(v);

export class SlackStore {
  private readonly channels = new Map<string, StoredMessage[]>();
  private ephemeralList: EphemeralMessage[] = [];
  private readonly viewMap = new Map<string, StoredView>();
  private counter = 0;
  private viewCounter = 0;

  private lastMicros = 0;

  /** `clock` (ms since the epoch) makes timestamps follow real time, as Slack's do; without it they are deterministic. */
  constructor(
    private readonly emit: (event: StoreEvent) => void,
    private readonly clock?: () => number,
  ) {}

  nextTs(): string {
    // With a clock: now, but always after the previous one, so ts stays a unique, ordered id.
    const micros = this.clock ? Math.max(Math.floor(this.clock() * 1000), this.lastMicros + TS_STEP_MICROS) : FIRST_TS_MICROS + TS_STEP_MICROS * this.counter++;
    this.lastMicros = micros;
    return `${Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, '0')}`;
  }

  find(channel: string, ts: string): StoredMessage | undefined {
    return this.channels.get(channel)?.find((m) => m.ts === ts);
  }

  hasChannel(channel: string): boolean {
    return this.channels.has(channel);
  }

  post(m: Omit<StoredMessage, 'ts' | 'edits'>): StoredMessage {
    const message: StoredMessage = { ...m, ts: this.nextTs(), edits: [] };
    if (message.thread_ts === undefined) delete message.thread_ts;
    const list = this.channels.get(m.channel) ?? [];
    list.push(message);
    this.channels.set(m.channel, list);
    this.emit({ type: 'message', message: copy(message) });
    return copy(message);
  }

  update(channel: string, ts: string, next: MessageVersion): StoredMessage | undefined {
    const message = this.find(channel, ts);
    if (!message) return undefined;
    message.edits.push({ text: message.text, blocks: message.blocks });
    message.text = next.text;
    message.blocks = next.blocks;
    this.emit({ type: 'message_changed', message: copy(message) });
    return copy(message);
  }

  delete(channel: string, ts: string): boolean {
    const list = this.channels.get(channel);
    const index = list?.findIndex((m) => m.ts === ts) ?? -1;
    if (!list || index < 0) return false;
    list.splice(index, 1);
    this.emit({ type: 'message_deleted', channel, ts });
    return true;
  }

  postEphemeral(m: Omit<EphemeralMessage, 'ts'>): EphemeralMessage {
    const message: EphemeralMessage = { ...m, ts: this.nextTs() };
    if (message.thread_ts === undefined) delete message.thread_ts;
    this.ephemeralList.push(message);
    this.emit({ type: 'ephemeral', message: copy(message) });
    return copy(message);
  }

  openView(view: Record<string, unknown>, triggerId?: string): StoredView {
    const id = `V${String(++this.viewCounter).padStart(8, '0')}`;
    const external = typeof view.external_id === 'string' ? view.external_id : undefined;
    const stored: StoredView = { id, hash: `${id}.1`, view, history: [], ...(external ? { external_id: external } : {}), ...(triggerId ? { trigger_id: triggerId } : {}) };
    this.viewMap.set(id, stored);
    this.emit({ type: 'view', view: copy(stored) });
    return copy(stored);
  }

  findView(idOrExternal: { view_id?: string; external_id?: string }): StoredView | undefined {
    if (idOrExternal.view_id) return this.viewMap.get(idOrExternal.view_id);
    return [...this.viewMap.values()].find((v) => v.external_id !== undefined && v.external_id === idOrExternal.external_id);
  }

  updateView(id: string, view: Record<string, unknown>): StoredView {
    const stored = this.viewMap.get(id)!;
    stored.history.push(stored.view);
    stored.view = view;
    stored.hash = `${id}.${stored.history.length + 1}`;
    this.emit({ type: 'view', view: copy(stored) });
    return copy(stored);
  }

  /** Every message in posting order (replies included), or only those of one channel. */
  messages(channel?: string): StoredMessage[] {
    const lists = channel === undefined ? [...this.channels.values()] : [this.channels.get(channel) ?? []];
    return copy(lists.flat().sort((a, b) => compareTs(a.ts, b.ts)));
  }

  /** The parent message then its replies, in order; empty if the parent does not exist. */
  thread(channel: string, ts: string): StoredMessage[] {
    const list = this.channels.get(channel) ?? [];
    const parent = list.find((m) => m.ts === ts);
    if (!parent) return [];
    return copy([parent, ...list.filter((m) => m.thread_ts === ts).sort((a, b) => compareTs(a.ts, b.ts))]);
  }

  ephemerals(channel?: string): EphemeralMessage[] {
    return copy(this.ephemeralList.filter((m) => channel === undefined || m.channel === channel));
  }

  views(): StoredView[] {
    return copy([...this.viewMap.values()]);
  }

  reset(): void {
    this.channels.clear();
    this.ephemeralList = [];
    this.viewMap.clear();
    this.counter = 0;
    this.viewCounter = 0;
  }
}

function compareTs(a: string, b: string): number {
  const [as, au] = a.split('.').map(Number) as [number, number];
  const [bs, bu] = b.split('.').map(Number) as [number, number];
  return as - bs || au - bu;
}
