// Cross-origin access to the API: off unless --cors names one origin.
//
// Browsers let a page call the API only from the origin that served it,
// unless the API says otherwise. A classroom sometimes wants one other page
// (a teacher's dashboard on another port) to read and post; naming exactly
// that origin lets it in without letting every site on the web in.

import type { IncomingMessage, ServerResponse } from 'node:http';

/** How long a browser may reuse a preflight answer, in seconds. */
const PREFLIGHT_MAX_AGE_SECONDS = 600;

/**
 * Mark the answer as readable by `allowedOrigin` when the request comes from it.
 * Returns true when the request was a preflight for that origin and has been answered.
 */
export function applyCors(request: IncomingMessage, response: ServerResponse, allowedOrigin: string | undefined): boolean {
  // Caches must not hand one origin's answer to another.
  if (allowedOrigin) response.setHeader('Vary', 'Origin');
  const origin = request.headers.origin;
  if (!allowedOrigin || origin !== allowedOrigin) return false;
  response.setHeader('Access-Control-Allow-Origin', allowedOrigin);
  if (request.method !== 'OPTIONS' || !request.headers['access-control-request-method']) return false;
  response.writeHead(204, {
    'Access-Control-Allow-Methods': 'GET, POST',
    'Access-Control-Allow-Headers': 'Content-Type',
    'Access-Control-Max-Age': String(PREFLIGHT_MAX_AGE_SECONDS),
    'Cache-Control': 'no-store',
  });
  response.end();
  return true;
}
