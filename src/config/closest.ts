// "Did you mean …?" for names users type (clusters, checks, playbooks, subcommands), in the CLI
// and in Slack alike.

/** Edit distance (insertions, deletions, substitutions) between two strings. */
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

// Names longer than this are not typos of a cluster name; skipping them bounds the work an
// untrusted input can cause (the distance is quadratic).
const MAX_COMPARED_LENGTH = 100;

/**
 * The candidate closest to `input` when it is close enough to be a typo: at most a third of the
 * name's length in edits (and at least 2), case-insensitively. Ties go to the earlier candidate.
 */
export function closestName(input: string, candidates: readonly string[]): string | undefined {
  const name = input.toLowerCase();
  if (name.length === 0 || name.length > MAX_COMPARED_LENGTH) return undefined;
  const limit = Math.max(2, Math.floor(name.length / 3));
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    if (candidate.length > MAX_COMPARED_LENGTH) continue;
    const distance = levenshtein(name, candidate.toLowerCase());
    if (distance <= limit && (!best || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}

/** "Did you mean 'x'?" or an empty string. */
export function didYouMean(input: string, candidates: readonly string[]): string {
  const name = closestName(input, candidates);
  return name ? ` Did you mean '${name}'?` : '';
}
