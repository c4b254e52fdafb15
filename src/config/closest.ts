// "Did you mean …?" for names users type (clusters, checks, playbooks).

export function levenshtein(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/** The candidate closest to `input`, if it is close enough to be a plausible typo. */
export function closestName(input: string, candidates: readonly string[]): string | undefined {
  // A third of the name (at least 2 edits) separates typos from unrelated names.
  const limit = Math.max(2, Math.floor(input.length / 3));
  let best: { name: string; distance: number } | undefined;
  for (const name of candidates) {
    const distance = levenshtein(input, name);
    if (distance <= limit && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

/** "Did you mean 'x'?" or an empty string. */
export function didYouMean(input: string, candidates: readonly string[]): string {
  const name = closestName(input, candidates);
  return name ? ` Did you mean '${name}'?` : '';
}
