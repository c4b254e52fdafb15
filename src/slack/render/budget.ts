// Fitting a list into a character budget: as many whole items as fit, then "…and N more".

export interface FitOptions {
  /** Characters available for the whole result. */
  budget: number;
  /** At most this many items, even when more would fit. */
  maxItems?: number;
  separator?: string;
  /** How many things each item stands for (default 1 each): "N more" counts these. */
  weights?: readonly number[];
  /** Things already left out before the list was built; counted in "N more". */
  alreadyHidden?: number;
  /** The closing line naming how many things were left out. */
  more?: (hidden: number) => string;
}

const defaultMore = (hidden: number) => `…and ${hidden} more`;

/** Joins whole items (never a cut one) while they and the "…and N more" line fit the budget. */
export function fitItems(items: readonly string[], opts: FitOptions): string {
  const sep = opts.separator ?? '\n';
  const more = opts.more ?? defaultMore;
  const maxItems = opts.maxItems ?? Number.POSITIVE_INFINITY;
  const weight = (i: number) => opts.weights?.[i] ?? 1;
  // hiddenFrom[i]: what is left out when items i.. are dropped.
  const hiddenFrom: number[] = [];
  hiddenFrom[items.length] = opts.alreadyHidden ?? 0;
  for (let i = items.length - 1; i >= 0; i--) hiddenFrom[i] = hiddenFrom[i + 1]! + weight(i);

  const kept: string[] = [];
  let used = 0;
  for (const [i, item] of items.entries()) {
    const cost = (kept.length > 0 ? sep.length : 0) + item.length;
    // Keep room for the closing line whenever something after this item would be left out.
    const after = hiddenFrom[i + 1]!;
    const reserve = after > 0 ? sep.length + more(after).length : 0;
    if (kept.length >= maxItems || used + cost + reserve > opts.budget) break;
    kept.push(item);
    used += cost;
  }
  const hidden = hiddenFrom[kept.length]!;
  if (hidden > 0) kept.push(more(hidden));
  return kept.join(sep);
}

/**
 * Whole lines into at most `maxSections` texts of at most `maxChars` each; the last text ends
 * with "…and N more" when lines were left out. Each line must itself fit `maxChars`.
 */
export function linesIntoSections(lines: readonly string[], maxSections: number, maxChars: number): string[] {
  const sections: string[] = [];
  let current: string[] = [];
  let used = 0;
  for (const [i, line] of lines.entries()) {
    if (sections.length === maxSections - 1) {
      // The last section: fill it with what remains, closing with "…and N more" if needed.
      sections.push(fitItems([...current, ...lines.slice(i)], { budget: maxChars }));
      return sections;
    }
    if (current.length > 0 && used + 1 + line.length > maxChars) {
      sections.push(current.join('\n'));
      current = [];
      used = 0;
    }
    used += (current.length > 0 ? 1 : 0) + line.length;
    current.push(line);
  }
  if (current.length > 0) sections.push(current.join('\n'));
  return sections;
}
