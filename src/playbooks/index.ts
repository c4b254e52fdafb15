// Public API of the playbooks module.

export { type CheckRef, validateCatalog } from './catalog.ts';
export { DEFAULT_EXCERPT_CHARS, excerptFor, trimAtBoundary } from './excerpt.ts';
export { findPlaybook, loadPlaybooks, PLAYBOOKS_DIR } from './load.ts';
export { type ParseResult, parsePlaybook } from './parse.ts';
export { markdownToPlain, renderPlaybookText } from './render.ts';
export { type Playbook, type PlaybookSections, SECTION_HEADINGS } from './types.ts';
