// Slack's Block Kit limits (https://api.slack.com/reference/block-kit). A message over any of
// them is rejected whole (`invalid_blocks`), so renderers stay under them by construction.

export const MAX_BLOCKS_PER_MESSAGE = 50;
export const MAX_SECTION_TEXT = 3000;
export const MAX_HEADER_TEXT = 150;
export const MAX_CONTEXT_ELEMENTS = 10;
export const MAX_CONTEXT_TEXT = 3000;
export const MAX_BUTTON_TEXT = 75;
export const MAX_BUTTON_VALUE = 2000;
/** Top-level `text` (the notification fallback); Slack truncates past 40,000, we stay far below. */
export const MAX_FALLBACK_TEXT = 3000;
