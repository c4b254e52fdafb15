// The emulator page: sidebar of channels, the selected channel's messages, a thread pane, a
// message box, a user switcher and modals, kept live by Server-Sent Events. The page holds no
// secret: it asks its server to act for the selected person, and the server signs as Slack.

import { el } from './blocks.js';
import { reconcileMessages } from './messages.js';
import { confirmDialog, renderModal } from './modal.js';
import { applyEvent, channelItems, channelList, emptyState, threadItems, visibleModal } from './state.js';

const state = emptyState();
const ui = { me: undefined, channel: undefined, thread: undefined, modalKey: undefined };
const caches = { channel: new Map(), thread: new Map() };
const $ = (id) => document.getElementById(id);
const SAFE_URL = /^https?:\/\//i;

const names = {
  userName: (id) => (id === state.workspace?.botUserId ? state.workspace.botName : state.users.find((u) => u.id === id)?.name),
  channelName: (id) => channelList(state).find((c) => c.id === id)?.name,
};

async function post(path, body) {
  try {
    const res = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return await res.json();
  } catch {
    return { ok: false, error: 'the emulator server cannot be reached' };
  }
}

function remember(name, value) {
  try {
    localStorage.setItem(`slack-emulator.${name}`, value);
  } catch {
    // Storage may be off; the choice then lasts until reload.
  }
}

function recall(name) {
  try {
    return localStorage.getItem(`slack-emulator.${name}`) ?? undefined;
  } catch {
    return undefined;
  }
}

// ---- drawing -------------------------------------------------------------------------------

function messageView(pane) {
  return { pane, me: ui.me, names, workspace: state.workspace, onButton: clickButton, onOpenThread: openThread };
}

function renderSidebar() {
  $('workspace-name').textContent = state.workspace?.teamName ?? 'Slack emulator';
  const list = $('channel-list');
  list.replaceChildren(
    ...channelList(state).map((c) => {
      const item = el('li');
      const button = el('button', `channel${c.id === ui.channel ? ' is-selected' : ''}${state.unread.has(c.id) ? ' is-unread' : ''}`);
      button.type = 'button';
      button.dataset.channel = c.id;
      button.append(el('span', 'channel-hash', '#'), el('span', 'channel-name', c.name));
      if (c.id === ui.channel) button.setAttribute('aria-current', 'page');
      button.addEventListener('click', () => selectChannel(c.id));
      item.append(button);
      return item;
    }),
  );
}

function renderUserSwitcher() {
  const select = $('user-switcher');
  select.replaceChildren(
    ...state.users.map((u) => {
      const option = el('option', '', u.title ? `${u.name} — ${u.title}` : u.name);
      option.value = u.id;
      return option;
    }),
  );
  select.value = ui.me ?? '';
  $('me-avatar').textContent = (names.userName(ui.me) ?? '?').slice(0, 1).toUpperCase();
}

function scrolledToBottom(node) {
  return node.scrollHeight - node.scrollTop - node.clientHeight < 60;
}

function renderChannel(jumpToEnd) {
  const name = names.channelName(ui.channel) ?? ui.channel ?? '';
  $('channel-title').textContent = `# ${name}`;
  $('composer-input').placeholder = `Message #${name}`;
  document.title = `#${name} — mesh-medic Slack emulator`;
  const scroller = $('messages');
  const stick = jumpToEnd || scrolledToBottom(scroller);
  const top = scroller.scrollTop;
  reconcileMessages($('message-list'), channelItems(state, ui.channel, ui.me), caches.channel, messageView('channel'));
  scroller.scrollTop = stick ? scroller.scrollHeight : top;
}

function renderThread(jumpToEnd) {
  const pane = $('thread');
  const items = ui.thread ? threadItems(state, ui.thread.channel, ui.thread.ts, ui.me) : [];
  pane.hidden = items.length === 0;
  document.body.classList.toggle('has-thread', !pane.hidden);
  if (pane.hidden) return;
  $('thread-channel').textContent = `#${names.channelName(ui.thread.channel) ?? ui.thread.channel}`;
  const scroller = $('thread-scroll');
  const stick = jumpToEnd || scrolledToBottom(scroller);
  const top = scroller.scrollTop;
  reconcileMessages($('thread-list'), items, caches.thread, messageView('thread'));
  const replies = items.filter((i) => i.kind === 'message').length - 1;
  $('thread-count').textContent = `${replies} ${replies === 1 ? 'reply' : 'replies'}`;
  scroller.scrollTop = stick ? scroller.scrollHeight : top;
}

function renderModalLayer() {
  const modal = visibleModal(state, ui.me);
  const key = modal ? `${modal.id}:${modal.hash}:${ui.me}` : undefined;
  if (key === ui.modalKey) return;
  ui.modalKey = key;
  const root = $('modal-root');
  if (!modal) {
    root.replaceChildren();
    return;
  }
  root.replaceChildren(
    renderModal(modal, names, {
      submit: (values) => post('/emulator/view-submission', { user: ui.me, viewId: modal.id, values }),
      close: () => post('/emulator/view-close', { user: ui.me, viewId: modal.id }),
    }),
  );
  root.querySelector('input, textarea')?.focus();
}

function render(what, jumpToEnd = false) {
  if (what === 'none') return;
  if (what !== 'modals') {
    renderSidebar();
    renderChannel(jumpToEnd);
    renderThread(jumpToEnd);
  }
  renderModalLayer();
}

// ---- what a person does --------------------------------------------------------------------

function selectChannel(id) {
  ui.channel = id;
  state.unread.delete(id);
  remember('channel', id);
  render('all', true);
  $('composer-input').focus();
}

function openThread(channel, ts) {
  ui.thread = { channel, ts };
  caches.thread.clear();
  render('messages', true);
}

function showComposerError(text) {
  $('composer-error').textContent = text ?? '';
}

async function clickButton(item, ref, element, node) {
  if (element.confirm && !(await confirmDialog(element.confirm, names))) return;
  if (typeof element.url === 'string' && SAFE_URL.test(element.url)) window.open(element.url, '_blank', 'noopener,noreferrer');
  node.disabled = true;
  node.classList.add('is-busy');
  const outcome = await post('/emulator/action', {
    user: ui.me,
    channel: item.message.channel,
    messageTs: item.message.ts,
    ephemeral: item.kind === 'ephemeral',
    blockIndex: ref.blockIndex,
    element: ref.element,
    actionId: typeof element.action_id === 'string' ? element.action_id : `emu-action-${ref.element}`,
  });
  node.disabled = false;
  node.classList.remove('is-busy');
  if (!outcome.ok && outcome.error === 'message_changed') showComposerError('That message changed before the click arrived: try again.');
}

async function send(text, where) {
  showComposerError('');
  const { channel, threadTs } = where;
  const outcome = text.startsWith('/')
    ? await post('/emulator/command', { user: ui.me, channel, text })
    : await post('/emulator/message', { user: ui.me, channel, text, ...(threadTs ? { threadTs } : {}) });
  // Slack-side failures arrive as notices in the channel; only a refused request is shown here.
  if (!outcome.ok && !['unknown_command', 'operation_timeout', 'dispatch_failed'].includes(outcome.error)) showComposerError(outcome.error);
}

function wireComposer(formId, inputId, where) {
  const form = $(formId);
  const input = $(inputId);
  const submit = () => {
    const text = input.value.trim();
    if (text === '') return;
    input.value = '';
    void send(text, where());
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    submit();
  });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      submit();
    }
  });
}

// ---- start ---------------------------------------------------------------------------------

function onSnapshot() {
  const userIds = state.users.map((u) => u.id);
  const channelIds = channelList(state).map((c) => c.id);
  if (!userIds.includes(ui.me)) ui.me = userIds.includes(recall('user')) ? recall('user') : userIds[0];
  if (!channelIds.includes(ui.channel)) ui.channel = channelIds.includes(recall('channel')) ? recall('channel') : channelIds[0];
  caches.channel.clear();
  caches.thread.clear();
  renderUserSwitcher();
}

function connect() {
  const events = new EventSource('/emulator/events');
  events.addEventListener('open', () => ($('connection').hidden = true));
  events.addEventListener('error', () => {
    $('connection').hidden = false;
  });
  events.addEventListener('message', (e) => {
    const event = JSON.parse(e.data);
    const what = applyEvent(state, event, (channel) => channel === ui.channel);
    if (event.type === 'snapshot') onSnapshot();
    render(what, event.type === 'snapshot');
  });
}

function start() {
  $('user-switcher').addEventListener('change', (e) => {
    ui.me = e.target.value;
    remember('user', ui.me);
    renderUserSwitcher();
    render('all');
  });
  $('thread-close').addEventListener('click', () => {
    ui.thread = undefined;
    render('messages');
  });
  wireComposer('composer', 'composer-input', () => ({ channel: ui.channel }));
  wireComposer('thread-composer', 'thread-input', () => ({ channel: ui.thread?.channel ?? ui.channel, threadTs: ui.thread?.ts }));
  connect();
}

start();
