// What real Slack refuses in Block Kit payloads, checked independently of our renderers (this file
// must not import them: it is the referee, not a player). Returns human-readable problems in the
// shape Slack puts in `response_metadata.messages`; an empty list means the payload is accepted.

export const LIMITS = {
  messageBlocks: 50,
  modalBlocks: 100,
  sectionText: 3000,
  sectionFields: 10,
  sectionFieldText: 2000,
  headerText: 150,
  contextElements: 10,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  actionId: 255,
  blockId: 255,
  messageText: 40000,
  modalTitle: 24,
} as const;

const KNOWN_BLOCKS = new Set(['section', 'header', 'context', 'divider', 'actions', 'image', 'input', 'rich_text', 'markdown']);

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function textObject(v: unknown, where: string, max: number, types: readonly string[], problems: string[]): void {
  if (!isObject(v) || typeof v.text !== 'string' || !types.includes(String(v.type))) {
    problems.push(`[ERROR] must be a text object of type ${types.join(' or ')} [json-pointer:${where}]`);
    return;
  }
  if (v.text.length === 0) problems.push(`[ERROR] must be more than 0 characters [json-pointer:${where}/text]`);
  if (v.text.length > max) problems.push(`[ERROR] must be less than ${max + 1} characters [json-pointer:${where}/text]`);
}

function validateButton(el: Json, where: string, problems: string[]): void {
  textObject(el.text, `${where}/text`, LIMITS.buttonText, ['plain_text'], problems);
  if (el.value !== undefined && (typeof el.value !== 'string' || el.value.length > LIMITS.buttonValue)) {
    problems.push(`[ERROR] must be a string of at most ${LIMITS.buttonValue} characters [json-pointer:${where}/value]`);
  }
  if (el.style !== undefined && el.style !== 'primary' && el.style !== 'danger') {
    problems.push(`[ERROR] must be one of primary, danger [json-pointer:${where}/style]`);
  }
}

function validateActions(block: Json, where: string, problems: string[]): void {
  const elements = block.elements;
  if (!Array.isArray(elements) || elements.length === 0 || elements.length > LIMITS.actionsElements) {
    problems.push(`[ERROR] must have 1 to ${LIMITS.actionsElements} elements [json-pointer:${where}/elements]`);
    return;
  }
  const ids = new Set<string>();
  for (const [i, el] of elements.entries()) {
    const at = `${where}/elements/${i}`;
    if (!isObject(el)) {
      problems.push(`[ERROR] must be an object [json-pointer:${at}]`);
      continue;
    }
    if (typeof el.action_id === 'string') {
      if (el.action_id.length > LIMITS.actionId) problems.push(`[ERROR] must be at most ${LIMITS.actionId} characters [json-pointer:${at}/action_id]`);
      if (ids.has(el.action_id)) problems.push(`[ERROR] action_id must be unique in a block [json-pointer:${at}/action_id]`);
      ids.add(el.action_id);
    }
    if (el.type === 'button') validateButton(el, at, problems);
  }
}

function validateSection(block: Json, where: string, problems: string[]): void {
  if (block.text === undefined && block.fields === undefined) {
    problems.push(`[ERROR] must provide text or fields [json-pointer:${where}]`);
  }
  if (block.text !== undefined) textObject(block.text, `${where}/text`, LIMITS.sectionText, ['mrkdwn', 'plain_text'], problems);
  if (block.fields !== undefined) {
    if (!Array.isArray(block.fields) || block.fields.length > LIMITS.sectionFields) {
      problems.push(`[ERROR] must have at most ${LIMITS.sectionFields} fields [json-pointer:${where}/fields]`);
      return;
    }
    for (const [i, f] of block.fields.entries()) {
      textObject(f, `${where}/fields/${i}`, LIMITS.sectionFieldText, ['mrkdwn', 'plain_text'], problems);
    }
  }
}

function validateContext(block: Json, where: string, problems: string[]): void {
  const elements = block.elements;
  if (!Array.isArray(elements) || elements.length === 0 || elements.length > LIMITS.contextElements) {
    problems.push(`[ERROR] must have 1 to ${LIMITS.contextElements} elements [json-pointer:${where}/elements]`);
    return;
  }
  for (const [i, el] of elements.entries()) {
    if (isObject(el) && el.type === 'image') continue;
    textObject(el, `${where}/elements/${i}`, LIMITS.sectionText, ['mrkdwn', 'plain_text'], problems);
  }
}

function validateBlock(block: unknown, i: number, blockIds: Set<string>, problems: string[]): void {
  const where = `/blocks/${i}`;
  if (!isObject(block) || typeof block.type !== 'string' || !KNOWN_BLOCKS.has(block.type)) {
    problems.push(`[ERROR] unsupported type [json-pointer:${where}/type]`);
    return;
  }
  if (block.block_id !== undefined) {
    const id = String(block.block_id);
    if (id.length > LIMITS.blockId) problems.push(`[ERROR] must be at most ${LIMITS.blockId} characters [json-pointer:${where}/block_id]`);
    if (blockIds.has(id)) problems.push(`[ERROR] block_id must be unique [json-pointer:${where}/block_id]`);
    blockIds.add(id);
  }
  if (block.type === 'section') validateSection(block, where, problems);
  if (block.type === 'header') textObject(block.text, `${where}/text`, LIMITS.headerText, ['plain_text'], problems);
  if (block.type === 'context') validateContext(block, where, problems);
  if (block.type === 'actions') validateActions(block, where, problems);
}

/** Problems with a `blocks` array (already JSON-decoded); `max` is 50 for messages, 100 for modals. */
export function validateBlocks(blocks: unknown, max: number): string[] {
  if (!Array.isArray(blocks)) return ['[ERROR] must be an array [json-pointer:/blocks]'];
  const problems: string[] = [];
  if (blocks.length > max) problems.push(`[ERROR] no more than ${max} items allowed [json-pointer:/blocks]`);
  const blockIds = new Set<string>();
  for (const [i, b] of blocks.entries()) validateBlock(b, i, blockIds, problems);
  return problems;
}

/** Problems with a modal view (`views.open` / `views.update`). */
export function validateView(view: unknown): string[] {
  if (!isObject(view)) return ['[ERROR] must be an object [json-pointer:/view]'];
  const problems: string[] = [];
  if (view.type !== 'modal' && view.type !== 'home') problems.push('[ERROR] must be modal or home [json-pointer:/view/type]');
  if (view.type === 'modal') textObject(view.title, '/view/title', LIMITS.modalTitle, ['plain_text'], problems);
  problems.push(...validateBlocks(view.blocks ?? [], LIMITS.modalBlocks).map((p) => p.replace('json-pointer:/blocks', 'json-pointer:/view/blocks')));
  return problems;
}
