// Modals opened by the app with `views.open` (title, blocks, inputs, Close / Submit), and the
// confirmation dialog Slack shows before a button with a `confirm` object acts.

import { el, renderBlocks, textObject } from './blocks.js';

const REQUIRED = 'Please complete this required field.';

function plain(obj, fallback) {
  return obj && typeof obj.text === 'string' ? obj.text : fallback;
}

/**
 * The modal dialog for an open view. `handlers.submit(values)` resolves to the server's outcome
 * ({ ok, error?, errors? }); `handlers.close()` dismisses it.
 */
export function renderModal(modal, names, handlers) {
  const view = modal.view ?? {};
  const backdrop = el('div', 'modal-backdrop');
  const dialog = el('div', 'modal');
  dialog.setAttribute('role', 'dialog');
  dialog.setAttribute('aria-modal', 'true');
  dialog.setAttribute('aria-labelledby', 'modal-title');
  dialog.dataset.viewId = modal.id;

  const header = el('div', 'modal-header');
  const title = el('h2', 'modal-title');
  title.id = 'modal-title';
  title.append(textObject(view.title, { names }));
  const x = el('button', 'modal-x', '×');
  x.type = 'button';
  x.setAttribute('aria-label', 'Close');
  x.addEventListener('click', () => handlers.close());
  header.append(title, x);

  const body = el('form', 'modal-body');
  body.noValidate = true;
  body.append(renderBlocks(view.blocks, { names, mode: 'modal' }));
  const banner = el('div', 'modal-error');
  banner.setAttribute('role', 'alert');
  body.append(banner);

  const footer = el('div', 'modal-footer');
  const cancel = el('button', 'modal-cancel', plain(view.close, 'Cancel'));
  cancel.type = 'button';
  cancel.addEventListener('click', () => handlers.close());
  footer.append(cancel);
  let submit;
  if (view.submit) {
    submit = el('button', 'modal-submit', plain(view.submit, 'Submit'));
    submit.type = 'button';
    submit.addEventListener('click', () => void submitModal(body, banner, submit, handlers));
    footer.append(submit);
  }
  // Enter in a one-line input submits, as in Slack.
  body.addEventListener('submit', (e) => {
    e.preventDefault();
    if (submit && !submit.disabled) void submitModal(body, banner, submit, handlers);
  });

  dialog.append(header, body, footer);
  backdrop.append(dialog);
  return backdrop;
}

async function submitModal(body, banner, submit, handlers) {
  const fields = [...body.querySelectorAll('[data-block-index]')];
  const missing = fields.filter((f) => f.dataset.required === 'true' && f.value.trim() === '');
  showErrors(body, Object.fromEntries(missing.map((f) => [f.closest('.blk-input').dataset.blockId, REQUIRED])));
  banner.textContent = '';
  if (missing.length > 0) return;
  submit.disabled = true;
  submit.classList.add('is-busy');
  try {
    const values = fields.map((f) => ({ blockIndex: Number(f.dataset.blockIndex), value: f.value }));
    const outcome = await handlers.submit(values);
    if (outcome.errors) showErrors(body, outcome.errors);
    else if (!outcome.ok) banner.textContent = outcome.error ?? 'We had some trouble connecting. Try again?';
  } finally {
    submit.disabled = false;
    submit.classList.remove('is-busy');
  }
}

/** Errors by block_id under their input blocks (an app's `response_action: errors`). */
function showErrors(body, errors) {
  for (const old of body.querySelectorAll('.blk-input-error')) old.remove();
  for (const node of body.querySelectorAll('.blk-input')) {
    const message = errors[node.dataset.blockId];
    if (typeof message === 'string') node.append(el('div', 'blk-input-error', message));
  }
}

/** Slack's confirmation dialog for a button's `confirm` object; resolves true to go ahead. */
export function confirmDialog(confirm, names) {
  return new Promise((resolve) => {
    const backdrop = el('div', 'modal-backdrop confirm-backdrop');
    const dialog = el('div', 'modal modal-confirm');
    dialog.setAttribute('role', 'alertdialog');
    dialog.setAttribute('aria-modal', 'true');
    const title = el('h2', 'modal-title');
    title.append(textObject(confirm.title ?? { type: 'plain_text', text: 'Are you sure?' }, { names }));
    const text = el('div', 'modal-body');
    text.append(textObject(confirm.text, { names }));
    const footer = el('div', 'modal-footer');
    const deny = el('button', 'modal-cancel', plain(confirm.deny, 'Cancel'));
    const ok = el('button', `modal-submit${confirm.style === 'danger' ? ' modal-danger' : ''}`, plain(confirm.confirm, 'Yes'));
    for (const b of [deny, ok]) b.type = 'button';
    const finish = (answer) => {
      backdrop.remove();
      resolve(answer);
    };
    deny.addEventListener('click', () => finish(false));
    ok.addEventListener('click', () => finish(true));
    footer.append(deny, ok);
    dialog.append(title, text, footer);
    backdrop.append(dialog);
    document.body.append(backdrop);
    ok.focus();
  });
}
