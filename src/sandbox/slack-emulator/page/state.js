// The workspace as the page knows it: a snapshot from the server, then kept current by the events
// of /emulator/events. Pure data functions; app.js decides what to draw.

export function emptyState() {
  return { workspace: undefined, users: [], channels: [], messages: new Map(), ephemerals: [], modals: new Map(), unread: new Set() };
}

const key = (channel, ts) => `${channel}/${ts}`;

/** Seconds.micros timestamps compared as numbers, without losing the micros to floating point. */
export function compareTs(a, b) {
  const [as, au] = a.split('.').map(Number);
  const [bs, bu] = b.split('.').map(Number);
  return as - bs || au - bu;
}

/**
 * Applies one server event. `seen(channel)` says whether the person is looking at that channel
 * (a new message elsewhere marks it unread). Returns the kind of thing that changed.
 */
export function applyEvent(state, event, seen) {
  switch (event.type) {
    case 'snapshot':
      state.workspace = event.workspace;
      state.users = event.users;
      state.channels = event.channels;
      state.messages = new Map(event.messages.map((m) => [key(m.channel, m.ts), m]));
      state.ephemerals = event.ephemerals;
      state.modals = new Map(event.modals.map((m) => [m.id, m]));
      return 'all';
    case 'message':
      state.messages.set(key(event.message.channel, event.message.ts), event.message);
      if (!seen(event.message.channel)) state.unread.add(event.message.channel);
      return 'messages';
    case 'message_changed':
      state.messages.set(key(event.message.channel, event.message.ts), event.message);
      return 'messages';
    case 'message_deleted':
      state.messages.delete(key(event.channel, event.ts));
      return 'messages';
    case 'ephemeral':
      state.ephemerals.push(event.message);
      return 'messages';
    case 'modal_open':
    case 'modal_update':
      state.modals.set(event.modal.id, event.modal);
      return 'modals';
    case 'modal_closed':
      state.modals.delete(event.id);
      return 'modals';
    default:
      return 'none';
  }
}

/** Configured channels first, then any other channel the bot has posted in. */
export function channelList(state) {
  const list = [...state.channels];
  const known = new Set(list.map((c) => c.id));
  for (const m of [...state.messages.values(), ...state.ephemerals]) {
    if (!known.has(m.channel)) {
      known.add(m.channel);
      list.push({ id: m.channel, name: m.channel });
    }
  }
  return list;
}

function repliesOf(state, channel, ts) {
  return [...state.messages.values()].filter((m) => m.channel === channel && m.thread_ts === ts).sort((a, b) => compareTs(a.ts, b.ts));
}

const mine = (me) => (e) => e.user === me;

/** What a person sees in a channel: top-level messages (with reply counts) and their own ephemerals. */
export function channelItems(state, channel, me) {
  const items = [];
  for (const m of state.messages.values()) {
    if (m.channel !== channel || m.thread_ts) continue;
    const replies = repliesOf(state, channel, m.ts);
    items.push({ kind: 'message', message: m, replies: { count: replies.length, lastTs: replies.at(-1)?.ts } });
  }
  for (const e of state.ephemerals.filter(mine(me))) {
    if (e.channel === channel && !e.thread_ts) items.push({ kind: 'ephemeral', message: e });
  }
  return items.sort((a, b) => compareTs(a.message.ts, b.message.ts));
}

/** A thread: its parent, the replies, and the person's own ephemerals in it. */
export function threadItems(state, channel, ts, me) {
  const parent = state.messages.get(key(channel, ts));
  if (!parent) return [];
  const items = repliesOf(state, channel, ts).map((m) => ({ kind: 'message', message: m }));
  for (const e of state.ephemerals.filter(mine(me))) {
    if (e.channel === channel && e.thread_ts === ts) items.push({ kind: 'ephemeral', message: e });
  }
  return [{ kind: 'message', message: parent }, ...items.sort((a, b) => compareTs(a.message.ts, b.message.ts))];
}

/** The modal the person sees: the most recently opened one that is theirs (or nobody's in particular). */
export function visibleModal(state, me) {
  const theirs = [...state.modals.values()].filter((m) => m.user === undefined || m.user === me);
  return theirs.at(-1);
}
