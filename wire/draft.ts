// What makes a posted message acceptable: the one rule every side applies.
//
// The server checks every POST body and every WebSocket post frame with it;
// the browser checks a draft with it before sending, so a student sees the
// same sentence whether the browser or the server refused the message.
// Plain TypeScript with no Node or DOM imports, so both sides can load it.

import type { Draft } from './types.ts';

export const MAX_AUTHOR_LENGTH = 64;
export const MAX_TEXT_LENGTH = 2000;

/** Control characters: none in a name; in a text, only tab and newline. */
const CONTROL_IN_AUTHOR = /[\u0000-\u001f\u007f]/;
const CONTROL_IN_TEXT = /[\u0000-\u0008\u000b-\u001f\u007f]/;

/** A posted value that is not a message; the sentence says what was wrong. The server answers it with 400. */
export class DraftError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DraftError';
  }
}

/** `value` as a Draft with its fields trimmed, or a DraftError naming the field that is wrong. */
export function checkDraft(value: unknown): Draft {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new DraftError('body must be a JSON object like {"author": "ann", "text": "hi"}');
  }
  const { author, text } = value as Record<string, unknown>;
  return {
    author: checkField('author', author, MAX_AUTHOR_LENGTH, CONTROL_IN_AUTHOR),
    text: checkField('text', text, MAX_TEXT_LENGTH, CONTROL_IN_TEXT),
  };
}

function checkField(name: string, value: unknown, maxLength: number, forbidden: RegExp): string {
  if (value === undefined) throw new DraftError(`"${name}" is missing`);
  if (typeof value !== 'string') throw new DraftError(`"${name}" must be a string, got ${typeof value}`);
  const trimmed = value.trim();
  if (trimmed === '') throw new DraftError(`"${name}" must not be empty`);
  if (trimmed.length > maxLength) throw new DraftError(`"${name}" is ${trimmed.length} characters; the limit is ${maxLength}`);
  if (forbidden.test(trimmed)) throw new DraftError(`"${name}" contains a control character`);
  return trimmed;
}
