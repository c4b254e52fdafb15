// Types for mrkdwn.js, a plain ES module the browser loads as is (no build step) and tests import.

export type Token =
  | { type: 'text'; text: string }
  | { type: 'bold' | 'italic' | 'strike' | 'quote'; children: Token[] }
  | { type: 'code' | 'pre'; text: string }
  | { type: 'link'; url: string; text: string }
  | { type: 'emoji'; name: string; unicode: string }
  | { type: 'user' | 'channel' | 'usergroup'; id: string; label?: string }
  | { type: 'broadcast'; name: 'here' | 'channel' | 'everyone' };

export interface NameLookup {
  userName?(id: string): string | undefined;
  channelName?(id: string): string | undefined;
}

/** The part of the DOM `Document` renderTokens uses. */
export interface MinimalDocument {
  createDocumentFragment(): unknown;
  createElement(tag: string): unknown;
  createTextNode(text: string): unknown;
}

export function decodeEntities(text: string): string;
export function parseMrkdwn(text: string): Token[];
export function parsePlainText(text: string, emoji?: boolean): Token[];
export function tokensToText(tokens: Token[], ctx?: NameLookup): string;
export function renderTokens<F = unknown>(doc: MinimalDocument, tokens: Token[], ctx?: NameLookup): F;
