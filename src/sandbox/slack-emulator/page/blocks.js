// Block Kit -> DOM, faithful enough to read a mesh-medic report: header, section (text, fields,
// accessory), context, divider, actions (buttons with primary/danger styles), image, and input
// blocks in modals. Anything else is shown as a grey "unsupported" line rather than dropped, so a
// missing feature is visible. All text goes through mrkdwn.js (textContent only).

import { parseMrkdwn, parsePlainText, renderTokens } from './mrkdwn.js';

/** A DOM element with classes and, optionally, text set through textContent. */
export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);

// Slack fills in block ids an app left out; these match the server's (interactions.ts).
export const blockIdOf = (block, index) => (typeof block.block_id === 'string' ? block.block_id : `emu-block-${index}`);

/** A text object (`mrkdwn` or `plain_text`) as a fragment. */
export function textObject(obj, ctx) {
  if (!isObject(obj) || typeof obj.text !== 'string') return document.createDocumentFragment();
  const tokens = obj.type === 'mrkdwn' ? parseMrkdwn(obj.text) : parsePlainText(obj.text, obj.emoji !== false);
  return renderTokens(document, tokens, ctx.names);
}

/** A whole message's blocks. `ctx`: { names, onButton(ref, element, buttonNode), mode, errors }. */
export function renderBlocks(blocks, ctx) {
  const container = el('div', 'blocks');
  (Array.isArray(blocks) ? blocks : []).forEach((block, index) => {
    container.append(renderBlock(block, index, ctx));
  });
  return container;
}

function renderBlock(block, index, ctx) {
  if (!isObject(block)) return unsupported('malformed block');
  switch (block.type) {
    case 'header':
      return withChildren(el('div', 'blk-header'), textObject(block.text, ctx));
    case 'section':
      return section(block, index, ctx);
    case 'context':
      return context(block, ctx);
    case 'divider':
      return el('hr', 'blk-divider');
    case 'actions':
      return actions(block, index, ctx);
    case 'image':
      return image(block, ctx);
    case 'input':
      return input(block, index, ctx);
    default:
      return unsupported(`unsupported block: ${String(block.type)}`);
  }
}

function withChildren(node, ...children) {
  node.append(...children);
  return node;
}

function unsupported(what) {
  return el('div', 'blk-unsupported', `[${what}]`);
}

function section(block, index, ctx) {
  const node = el('div', 'blk-section');
  const main = el('div', 'blk-section-main');
  if (block.text) main.append(withChildren(el('div', 'blk-text'), textObject(block.text, ctx)));
  if (Array.isArray(block.fields) && block.fields.length > 0) {
    const fields = el('div', 'blk-fields');
    for (const f of block.fields) fields.append(withChildren(el('div', 'blk-field'), textObject(f, ctx)));
    main.append(fields);
  }
  node.append(main);
  if (isObject(block.accessory)) {
    const accessory = el('div', 'blk-accessory');
    accessory.append(element(block.accessory, { blockIndex: index, element: 'accessory' }, ctx));
    node.append(accessory);
  }
  return node;
}

function context(block, ctx) {
  const node = el('div', 'blk-context');
  for (const item of Array.isArray(block.elements) ? block.elements : []) {
    if (isObject(item) && item.type === 'image') node.append(imagePlaceholder(item.alt_text, 'blk-context-image'));
    else node.append(withChildren(el('span', 'blk-context-item'), textObject(item, ctx)));
  }
  return node;
}

function actions(block, index, ctx) {
  const node = el('div', 'blk-actions');
  (Array.isArray(block.elements) ? block.elements : []).forEach((item, i) => {
    node.append(element(item, { blockIndex: index, element: i }, ctx));
  });
  return node;
}

function element(item, ref, ctx) {
  if (!isObject(item)) return unsupported('malformed element');
  if (item.type === 'button') return button(item, ref, ctx);
  if (item.type === 'image') return imagePlaceholder(item.alt_text, 'blk-accessory-image');
  return unsupported(`unsupported element: ${String(item.type)}`);
}

function button(item, ref, ctx) {
  const style = item.style === 'primary' || item.style === 'danger' ? ` blk-button-${item.style}` : '';
  const node = el('button', `blk-button${style}`);
  node.type = 'button';
  node.append(textObject(item.text, ctx));
  if (ctx.onButton) node.addEventListener('click', () => ctx.onButton(ref, item, node));
  else node.disabled = true;
  return node;
}

// The network is closed and images would load from elsewhere: show what they are instead.
function imagePlaceholder(alt, className) {
  return el('span', `blk-image ${className}`, `🖼 ${typeof alt === 'string' ? alt : 'image'}`);
}

function image(block, ctx) {
  const node = el('figure', 'blk-image-block');
  if (block.title) node.append(withChildren(el('figcaption', 'blk-image-title'), textObject(block.title, ctx)));
  node.append(imagePlaceholder(block.alt_text, 'blk-image-large'));
  return node;
}

function input(block, index, ctx) {
  const node = el('div', 'blk-input');
  node.dataset.blockId = blockIdOf(block, index);
  const id = `input-${index}-${Math.random().toString(36).slice(2, 8)}`;
  const label = el('label', 'blk-input-label');
  label.htmlFor = id;
  label.append(textObject(block.label, ctx));
  if (block.optional === true) label.append(el('span', 'blk-input-optional', ' (optional)'));
  node.append(label, inputElement(block, index, id));
  if (block.hint) node.append(withChildren(el('div', 'blk-input-hint'), textObject(block.hint, ctx)));
  const error = ctx.errors?.[blockIdOf(block, index)];
  if (error) node.append(el('div', 'blk-input-error', error));
  return node;
}

function inputElement(block, index, id) {
  const spec = isObject(block.element) ? block.element : {};
  if (spec.type !== 'plain_text_input') return unsupported(`unsupported input: ${String(spec.type)}`);
  const field = spec.multiline === true ? el('textarea', 'blk-textarea') : el('input', 'blk-text-input');
  if (field.tagName === 'INPUT') field.type = 'text';
  field.id = id;
  field.dataset.blockIndex = String(index);
  if (block.optional !== true) field.dataset.required = 'true';
  if (typeof spec.initial_value === 'string') field.value = spec.initial_value;
  if (isObject(spec.placeholder) && typeof spec.placeholder.text === 'string') field.placeholder = spec.placeholder.text;
  if (Number.isInteger(spec.max_length)) field.maxLength = spec.max_length;
  return field;
}
