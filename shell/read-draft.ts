// Reading a posted message: the edge where untrusted bytes become a Draft.
// Everything a client can get wrong is caught here, with a status and a
// sentence naming what was wrong, before any strategy sees the message.

import type { IncomingMessage } from 'node:http';
import type { Draft } from '../wire/types.ts';
import { HttpError } from './http-error.ts';

export const DEFAULT_MAX_BODY_BYTES = 16 * 1024;
export const MAX_AUTHOR_LENGTH = 64;
export const MAX_TEXT_LENGTH = 2000;

/** Control characters: none in a name; in a text, only tab and newline. */
const CONTROL_IN_AUTHOR = /[\u0000-\u001f\u007f]/;
const CONTROL_IN_TEXT = /[\u0000-\u0008\u000b-\u001f\u007f]/;

/** Read the request's JSON body and check it is a message. Throws HttpError. */
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

export function checkDraft(parsed: unknown): Draft {
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new HttpError(400, 'body must be a JSON object like {"author": "ann", "text": "hi"}');
  }
  const { author, text } = parsed as Record<string, unknown>;
  return {
    author: checkField('author', author, MAX_AUTHOR_LENGTH, CONTROL_IN_AUTHOR),
    text: checkField('text', text, MAX_TEXT_LENGTH, CONTROL_IN_TEXT),
  };
}

function checkField(name: string, value: unknown, maxLength: number, forbidden: RegExp): string {
  if (value === undefined) throw new HttpError(400, `"${name}" is missing`);
  if (typeof value !== 'string') throw new HttpError(400, `"${name}" must be a string, got ${typeof value}`);
  const trimmed = value.trim();
  if (trimmed === '') throw new HttpError(400, `"${name}" must not be empty`);
  if (trimmed.length > maxLength) throw new HttpError(400, `"${name}" is ${trimmed.length} characters; the limit is ${maxLength}`);
  if (forbidden.test(trimmed)) throw new HttpError(400, `"${name}" contains a control character`);
  return trimmed;
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
