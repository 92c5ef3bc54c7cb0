// The bench's own requests (publishing, reading /api/stats and /api/config),
// each on a fresh connection. A kept-alive connection can be closed by the
// server's idle timer just as a request goes out on it; on a loaded machine,
// with both event loops late, that race is common and shows up as ECONNRESET.
// A fresh loopback connection costs a fraction of a millisecond.

import { request } from 'node:http';

export interface PlainAnswer<T> {
  status: number;
  body: T;
}

export function requestJson<T>(method: 'GET' | 'POST', url: string, body?: unknown): Promise<PlainAnswer<T>> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const outgoing = request(url, {
      method,
      agent: false,
      headers: payload ? { 'Content-Type': 'application/json', 'Content-Length': String(payload.length) } : {},
    });
    outgoing.on('error', reject);
    outgoing.on('response', (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('error', reject);
      incoming.on('end', () => {
        try {
          resolve({ status: incoming.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as T });
        } catch (error) {
          reject(new Error(`${method} ${url} answered ${incoming.statusCode} with a body that is not JSON: ${(error as Error).message}`));
        }
      });
    });
    outgoing.end(payload);
  });
}
