// Reading a posted message: the edge where untrusted bytes become a Draft.
// Everything a client can get wrong is caught here, with a status and a
// sentence naming what was wrong, before any strategy sees the message.
// What a message may contain is wire/draft.ts's rule, shared with the browser.

import type { IncomingMessage } from 'node:http';
import { checkDraft } from '../wire/draft.ts';
import type { Draft } from '../wire/types.ts';
import { HttpError } from '../http/http-error.ts';

export const DEFAULT_MAX_BODY_BYTES = 16 * 1024;

/** Read the request's JSON body and check it is a message. Throws HttpError, or DraftError for a bad message. */
export async function readDraft(request: IncomingMessage, maxBodyBytes: number): Promise<Draft> {
  const contentType = request.headers['content-type'] ?? '';
  if (!/^application\/json\s*(;|$)/i.test(contentType)) {
    throw new HttpError(415, `send the message as JSON with Content-Type: application/json (got ${contentType ? JSON.stringify(contentType) : 'none'})`);
  }
  const body = await readBody(request, maxBodyBytes);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    throw new HttpError(400, `body is not valid JSON: ${(error as Error).message}`);
  }
  return checkDraft(parsed);
}

/** Collect the body, refusing it as soon as it is larger than the limit. */
function readBody(request: IncomingMessage, maxBytes: number): Promise<string> {
  const tooLarge = () =>
    // Connection: close, so the rest of a huge body is never read: the socket is closed after the answer.
    new HttpError(413, `body is larger than the limit of ${maxBytes} bytes`, { Connection: 'close' });
  if (Number(request.headers['content-length']) > maxBytes) return Promise.reject(tooLarge());

  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        request.off('data', onData);
        request.pause();
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    };
    request.on('data', onData);
    request.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.once('error', reject);
  });
}
