// One message as Slack draws it: avatar, author (with an APP badge for the bot), time, the blocks
// (or the text when there are none), "(edited)", "Only visible to you" for ephemeral messages and
// "N replies" under a thread's parent. Lists are reconciled by key so an edited message is
// replaced in place and nothing else on screen moves.

import { el, renderBlocks } from './blocks.js';
import { parseMrkdwn, renderTokens } from './mrkdwn.js';

const AVATAR_COLORS = ['#e8912d', '#2bac76', '#1d9bd1', '#9f52b3', '#de4e2b', '#4a8f8f', '#c7458b'];

function colorFor(name) {
  let h = 0;
  for (const ch of name) h = (h * 31 + ch.codePointAt(0)) >>> 0;
  return AVATAR_COLORS[h % AVATAR_COLORS.length];
}

/** `HH:MM` of a Slack timestamp, in the browser's time zone. */
export function timeOf(ts) {
  const date = new Date(Number(ts.split('.')[0]) * 1000);
  return date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

function author(item, view) {
  const m = item.message;
  if (item.kind === 'ephemeral' && m.via === 'emulator') return { name: 'Slackbot', app: false, avatar: '🤖' };
  if (item.kind === 'ephemeral' || m.user === view.workspace.botUserId) return { name: view.workspace.botName, app: true, avatar: '🩺' };
  return { name: view.names.userName(m.user) ?? m.user, app: false };
}

function avatar(who) {
  const node = el('div', 'msg-avatar', who.avatar ?? who.name.slice(0, 1).toUpperCase());
  node.setAttribute('aria-hidden', 'true');
  node.style.background = who.app ? '#4a154b' : colorFor(who.name);
  return node;
}

function content(item, view) {
  const m = item.message;
  if (Array.isArray(m.blocks) && m.blocks.length > 0) {
    const onButton = (ref, element, node) => view.onButton(item, ref, element, node);
    return renderBlocks(m.blocks, { names: view.names, mode: 'message', onButton });
  }
  const text = el('div', 'msg-text');
  text.append(renderTokens(document, parseMrkdwn(m.text), view.names));
  return text;
}

function repliesBar(item, view) {
  const { count, lastTs } = item.replies;
  const bar = el('div', 'msg-replies');
  const link = el('button', 'msg-replies-link', `${count} ${count === 1 ? 'reply' : 'replies'}`);
  link.type = 'button';
  link.addEventListener('click', () => view.onOpenThread(item.message.channel, item.message.ts));
  bar.append(link);
  if (lastTs) bar.append(el('span', 'msg-replies-last', `Last reply ${timeOf(lastTs)}`));
  return bar;
}

export function messageNode(item, view) {
  const m = item.message;
  const who = author(item, view);
  const node = el('div', `msg${item.kind === 'ephemeral' ? ' msg-ephemeral' : ''}`);
  node.dataset.ts = m.ts;
  node.dataset.kind = item.kind;
  const body = el('div', 'msg-body');
  if (item.kind === 'ephemeral') body.append(el('div', 'msg-ephemeral-note', '👁 Only visible to you'));
  const meta = el('div', 'msg-meta');
  meta.append(el('span', 'msg-author', who.name));
  if (who.app) meta.append(el('span', 'msg-app-badge', 'APP'));
  meta.append(el('span', 'msg-time', timeOf(m.ts)));
  body.append(meta, content(item, view));
  if (Array.isArray(m.edits) && m.edits.length > 0) body.append(el('span', 'msg-edited', '(edited)'));
  if (item.replies && item.replies.count > 0 && view.pane === 'channel') body.append(repliesBar(item, view));
  node.append(avatar(who), body);
  return node;
}

/**
 * Makes `container` show `items` in order, reusing the node of every item whose content did not
 * change (`cache`: key -> { sig, node }), so an edit replaces one message in place.
 */
export function reconcileMessages(container, items, cache, view) {
  const keep = new Set();
  const nodes = items.map((item) => {
    const k = `${item.kind}/${item.message.channel}/${item.message.ts}`;
    keep.add(k);
    const sig = JSON.stringify([item.message, item.replies, view.me]);
    const cached = cache.get(k);
    if (cached && cached.sig === sig) return cached.node;
    const node = messageNode(item, view);
    cache.set(k, { sig, node });
    return node;
  });
  for (const k of [...cache.keys()]) if (!keep.has(k)) cache.delete(k);
  let current = container.firstChild;
  for (const node of nodes) {
    if (node === current) current = current.nextSibling;
    else container.insertBefore(node, current);
  }
  while (current) {
    const next = current.nextSibling;
    current.remove();
    current = next;
  }
}
