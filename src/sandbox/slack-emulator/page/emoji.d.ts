// Types for emoji.js (a plain ES module the browser loads as is).
export const EMOJI: Readonly<Record<string, string>>;
