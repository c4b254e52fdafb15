// The few Block Kit shapes mesh-medic posts, and builders that keep each one within Slack's
// limits whatever text they are given. Builders take mrkdwn that is already escaped.

import { MeshMedicError } from '../../domain/errors.ts';
import { scrubControl, truncate } from '../mrkdwn.ts';
import { MAX_BUTTON_TEXT, MAX_BUTTON_VALUE, MAX_CONTEXT_ELEMENTS, MAX_CONTEXT_TEXT, MAX_HEADER_TEXT, MAX_SECTION_TEXT } from './limits.ts';

export interface PlainText {
  type: 'plain_text';
  text: string;
  emoji?: boolean;
}
export interface MrkdwnText {
  type: 'mrkdwn';
  text: string;
}
export interface HeaderBlock {
  type: 'header';
  text: PlainText;
}
export interface SectionBlock {
  type: 'section';
  text: MrkdwnText;
  /** One button beside the text (Undo on a decided proposal). */
  accessory?: ButtonElement;
}
export interface ContextBlock {
  type: 'context';
  elements: MrkdwnText[];
}
export interface DividerBlock {
  type: 'divider';
}
export interface ButtonElement {
  type: 'button';
  text: PlainText;
  action_id: string;
  value: string;
  style?: 'primary' | 'danger';
}
export interface ActionsBlock {
  type: 'actions';
  elements: ButtonElement[];
}
export type Block = HeaderBlock | SectionBlock | ContextBlock | DividerBlock | ActionsBlock;

/** What a renderer returns: blocks for people, `text` for notifications and screen readers. */
export interface SlackMessage {
  text: string;
  blocks: Block[];
}

/** A message only its recipient sees; can be passed as is to Bolt's `respond()`. */
export interface EphemeralSlackMessage extends SlackMessage {
  response_type: 'ephemeral';
}

/** Header text is plain text (no escaping needed), one line, at most 150 characters. */
export function header(text: string): HeaderBlock {
  const plain = scrubControl(text).replace(/\s+/g, ' ').trim();
  return { type: 'header', text: { type: 'plain_text', text: truncate(plain, MAX_HEADER_TEXT), emoji: true } };
}

export function section(mrkdwn: string): SectionBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: truncate(mrkdwn, MAX_SECTION_TEXT) } };
}

export function context(...mrkdwn: string[]): ContextBlock {
  return {
    type: 'context',
    elements: mrkdwn.slice(0, MAX_CONTEXT_ELEMENTS).map((text) => ({ type: 'mrkdwn', text: truncate(text, MAX_CONTEXT_TEXT) })),
  };
}

export function divider(): DividerBlock {
  return { type: 'divider' };
}

export function button(label: string, actionId: string, value: string, style?: 'primary' | 'danger'): ButtonElement {
  // A cut value would name another (or no) proposal: refuse instead of posting a wrong button.
  if (value.length > MAX_BUTTON_VALUE) {
    throw new MeshMedicError('INTERNAL', `button value is ${value.length} characters; Slack allows ${MAX_BUTTON_VALUE}`);
  }
  const b: ButtonElement = {
    type: 'button',
    text: { type: 'plain_text', text: truncate(label, MAX_BUTTON_TEXT) },
    action_id: actionId,
    value,
  };
  if (style) b.style = style;
  return b;
}

export function actions(...elements: ButtonElement[]): ActionsBlock {
  return { type: 'actions', elements };
}
