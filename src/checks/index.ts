// The check catalog: every check, imported explicitly and listed alphabetically, so each
// addition shows in the diff (no directory scanning).

import type { Check } from './types.ts';

export const CHECKS: readonly Check[] = [];

export const CHECKS_BY_ID: ReadonlyMap<string, Check> = new Map(CHECKS.map((c) => [c.id, c]));
