// Serving the browser client's files, and nothing outside its folder.

import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';
import { HttpError } from '../http/http-error.ts';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.md': 'text/markdown; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/** Pages may load scripts, styles and data only from this server, and talk only to it. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/** A folder served under a URL prefix: "/" for the client, "/results" for the bench report. */
export interface StaticMount {
  urlPrefix: string;
  folder: string;
}

/**
 * Answer a GET for a file in one of the mounts, or throw 404. "/" serves
 * index.html and "/compare" serves compare.html, so pages have clean URLs.
 */
export async function serveStatic(request: IncomingMessage, response: ServerResponse, pathname: string, mounts: StaticMount[]) {
  for (const mount of mounts) {
    const relative = relativeTo(mount.urlPrefix, pathname);
    if (relative === undefined) continue;
    const file = await findFile(mount.folder, relative);
    if (!file) continue;
    const type = CONTENT_TYPES[extname(file.path)] ?? 'application/octet-stream';
    const headers: Record<string, string> = {
      'Content-Type': type,
      'Content-Length': String(file.size),
      'Cache-Control': 'no-cache',
      'X-Content-Type-Options': 'nosniff',
    };
    if (type.startsWith('text/html')) headers['Content-Security-Policy'] = CONTENT_SECURITY_POLICY;
    response.writeHead(200, headers);
    if (request.method === 'HEAD') return void response.end();
    createReadStream(file.path).pipe(response);
    return;
  }
  throw new HttpError(404, `no page or file at ${pathname.slice(0, 200)}`);
}

function relativeTo(urlPrefix: string, pathname: string): string | undefined {
  if (urlPrefix === '/') return pathname;
  if (pathname === urlPrefix) return '/';
  return pathname.startsWith(urlPrefix + '/') ? pathname.slice(urlPrefix.length) : undefined;
}

/** The file a URL path names inside `folder`, or undefined; never a path outside it. */
async function findFile(folder: string, urlPath: string): Promise<{ path: string; size: number } | undefined> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined; // malformed %-encoding names no file
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
  const root = resolve(folder);
  const wanted = resolve(root, '.' + (decoded.endsWith('/') ? decoded + 'index.html' : decoded));
  // resolve() has already collapsed any "..": whatever is left must still be inside the folder.
  if (!wanted.startsWith(root + sep)) return undefined;
  for (const candidate of extname(wanted) ? [wanted] : [wanted, wanted + '.html']) {
    try {
      const info = await stat(candidate);
      if (info.isFile()) return { path: candidate, size: info.size };
    } catch {
      // Not there: try the next candidate.
    }
  }
  return undefined;
}
