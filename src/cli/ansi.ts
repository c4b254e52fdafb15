// Minimal ANSI styling for terminal output, and scrubbing of control characters from text that
// came from a cluster (log lines, object names): a hostile log line must not drive the terminal.

export type Style = 'red' | 'green' | 'yellow' | 'magenta' | 'gray' | 'bold' | 'dim';

const CODES: Record<Style, [number, number]> = {
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  magenta: [35, 39],
  gray: [90, 39],
  bold: [1, 22],
  dim: [2, 22],
};

export type Painter = (style: Style, text: string) => string;

export function painter(color: boolean): Painter {
  if (!color) return (_style, text) => text;
  return (style, text) => `\u001b[${CODES[style][0]}m${text}\u001b[${CODES[style][1]}m`;
}

// C0 controls except tab and newline, DEL, and C1 controls (which include the 8-bit CSI).
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** Replaces control characters (escape sequences included) with U+FFFD. Keeps tabs and newlines. */
export function scrub(text: string): string {
  return text.replace(CONTROL, '\ufffd');
}
