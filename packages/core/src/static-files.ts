// Serves the built renderer: files under one directory, nothing outside it.
import { createReadStream, existsSync } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, relative, resolve, sep } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Jackbay</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 4em auto">
<h1>Jackbay: the renderer is not built</h1>
<p>The service runs, but there is no user interface to serve yet. Build it with
<code>pnpm --filter @jackbay/ui build</code> (or start with <code>pnpm serve</code>,
which builds it first), or point <code>--static</code> at a built renderer.</p>
</body></html>
`;

/** Headers every response carries: no framing, no sniffing, no referrer. */
export function securityHeaders(host: string | undefined): Record<string, string> {
  // 'self' covers same-origin ws: in CSP 3, the explicit ws: source covers older engines.
  const ws = host && /^[A-Za-z0-9.:[\]-]+$/.test(host) ? ` ws://${host}` : '';
  return {
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Content-Security-Policy':
      `default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; ` +
      `img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'${ws}; ` +
      `object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
  };
}

function within(root: string, file: string): boolean {
  return file === root || file.startsWith(root + sep);
}

export class StaticFiles {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  get available(): boolean {
    return existsSync(join(this.root, 'index.html'));
  }

  async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const headers = securityHeaders(req.headers.host);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...headers, Allow: 'GET, HEAD', 'Content-Type': 'text/plain' });
      res.end('method not allowed\n');
      return;
    }
    const file = this.#resolve(req.url ?? '/');
    if (!file) {
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' });
      res.end('not found\n');
      return;
    }
    if (!this.available && file.endsWith(`${sep}index.html`)) {
      res.writeHead(503, { ...headers, 'Content-Type': 'text/html; charset=utf-8' });
      res.end(req.method === 'HEAD' ? undefined : NOT_BUILT);
      return;
    }
    let size: number;
    try {
      // A symlink inside the root may point anywhere: serve only what really lies under it.
      if (!within(await realpath(this.root), await realpath(file))) throw new Error('outside');
      const info = await stat(file);
      if (!info.isFile()) throw new Error('not a file');
      size = info.size;
    } catch {
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' });
      res.end('not found\n');
      return;
    }
    const type = CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
    // Vite names assets by content hash; only index.html must always be fresh.
    const cache = relative(this.root, file).startsWith(`assets${sep}`)
      ? 'public, max-age=31536000, immutable'
      : 'no-cache';
    res.writeHead(200, {
      ...headers,
      'Content-Type': type,
      'Content-Length': String(size),
      'Cache-Control': cache,
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const stream = createReadStream(file);
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  }

  // The file for a URL path, or null when the path leaves the root or is malformed.
  #resolve(url: string): string | null {
    let path: string;
    try {
      path = decodeURIComponent(new URL(url, 'http://host').pathname);
    } catch {
      return null;
    }
    if (path.includes('\u0000')) return null;
    if (path.endsWith('/')) path += 'index.html';
    const file = resolve(this.root, `.${path}`);
    return within(this.root, file) ? file : null;
  }
}
