// Line-level markdown helpers shared by the section splitter, the excerpt and the text renderer.
// Only what playbooks use: fenced code blocks (``` or ~~~).

export interface MarkdownLine {
  text: string;
  /** True for lines inside a fenced block and for the fence lines themselves. */
  inFence: boolean;
  /** True for an opening or closing fence line. */
  isFence: boolean;
}

const OPENING_FENCE = /^\s*(`{3,}|~{3,})/;
// A closing fence carries no info string (CommonMark), so "```bash" inside a block is content.
const CLOSING_FENCE = /^\s*(`{3,}|~{3,})\s*$/;

function closes(text: string, open: string): boolean {
  const fence = CLOSING_FENCE.exec(text)?.[1];
  return fence !== undefined && fence[0] === open[0] && fence.length >= open.length;
}

/** Classifies each line; `unclosedFence` is true when a fence is opened and never closed. */
export function classifyLines(markdown: string): { lines: MarkdownLine[]; unclosedFence: boolean } {
  const lines: MarkdownLine[] = [];
  let open: string | null = null;
  for (const text of markdown.split('\n')) {
    if (open !== null) {
      const isFence = closes(text, open);
      if (isFence) open = null;
      lines.push({ text, inFence: true, isFence });
      continue;
    }
    const fence = OPENING_FENCE.exec(text)?.[1];
    if (fence) open = fence;
    lines.push({ text, inFence: fence !== undefined, isFence: fence !== undefined });
  }
  return { lines, unclosedFence: open !== null };
}
