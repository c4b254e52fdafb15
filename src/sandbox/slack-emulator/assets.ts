// The emulator page's static files (HTML, vanilla JS modules, CSS) from ./page/: no build step,
// nothing from a CDN. Only files that exist in that directory when the emulator is created are
// served, by exact name, so no request path can reach anything else on disk.

import { readdirSync, readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { MeshMedicError } from '../../domain/errors.ts';

const PAGE_DIR = new URL('./page/', import.meta.url);

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
};

// The page builds every node with textContent; this policy is the second line of defence: even
// injected markup could neither run a script nor load anything from elsewhere.
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export class PageAssets {
  private readonly files: Map<string, string>;

  constructor() {
    let names: string[];
    try {
      names = readdirSync(PAGE_DIR);
    } catch (cause) {
      throw new MeshMedicError('INTERNAL', `Slack emulator page files are missing (${PAGE_DIR.pathname})`, { cause });
    }
    this.files = new Map(names.filter((n) => TYPES[extension(n)] !== undefined).map((n) => [n, TYPES[extension(n)]!]));
  }

  has(name: string): boolean {
    return this.files.has(name);
  }

  /** Sends one page file; read on every request so a page edit shows on reload. */
  send(res: ServerResponse, name: string): void {
    const type = this.files.get(name);
    if (!type) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found');
      return;
    }
    res.writeHead(200, {
      'Content-Type': type,
      'Cache-Control': 'no-cache',
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
    });
    res.end(readFileSync(new URL(name, PAGE_DIR)));
  }
}

function extension(name: string): string {
  return name.slice(name.lastIndexOf('.') + 1);
}
