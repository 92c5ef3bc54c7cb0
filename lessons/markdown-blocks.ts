// The parts of a lesson's Markdown that tools need: its headings and its
// fenced shell blocks. The doc-test runs the blocks; `npm run lesson -- <n>`
// prints them under their headings as the lesson's steps.
//
// A shell block's info string says how the doc-test treats it
// (FENCE_NOTES in wire/lesson.ts, which the browser shows too):
//   ```sh            run it (against the server the lesson started, if any)
//   ```sh server     one command that starts a server and keeps running:
//                    the doc-test starts it on a free port, and runs the
//                    lesson's later blocks against it
//   ```sh by-hand    shown, never run by the doc-test (installing, opening a
//                    browser, the whole test suite): the lesson says why
//
// The Markdown is read by marked's lexer, the parser the Lessons panel renders
// with, so a block the page shows as code is exactly a block the tools see.

import { Lexer, type Token, type Tokens } from 'marked';
import { isFenceNote } from '../wire/lesson.ts';

export type BlockKind = 'run' | 'server' | 'by-hand';

export interface ShellBlock {
  kind: BlockKind;
  /** The block's text, without the fences (and without the indent of a list item it sits in). */
  code: string;
  /** 1-based line of the opening fence, for error messages. */
  line: number;
}

export type LessonPart = { type: 'heading'; depth: number; text: string } | { type: 'shell'; block: ShellBlock };

const SHELL_LANGUAGES = new Set(['sh', 'bash', 'shell', 'console']);

/**
 * Headings and shell blocks, in document order. Headings count at the top
 * level only (not in a list or a quote); shell blocks count anywhere. Other
 * code blocks (TypeScript, JSON, diagrams) are skipped.
 */
export function lessonParts(markdown: string): LessonPart[] {
  const parts: LessonPart[] = [];
  let line = 1;
  // The lexer's top-level tokens cover the text end to end: their raw text tells each one's line.
  for (const token of Lexer.lex(markdown, { gfm: true })) {
    if (token.type === 'heading') {
      const heading = token as Tokens.Heading;
      parts.push({ type: 'heading', depth: heading.depth, text: heading.text.trim() });
    }
    let searchFrom = 0;
    for (const code of codeBlocksIn(token)) {
      const at = fenceLine(token.raw, code, searchFrom);
      searchFrom = at + 1;
      const block = shellBlock(code, line + at);
      if (block) parts.push({ type: 'shell', block });
    }
    line += countNewlines(token.raw);
  }
  return parts;
}

export function shellBlocks(markdown: string): ShellBlock[] {
  return lessonParts(markdown).flatMap((part) => (part.type === 'shell' ? [part.block] : []));
}

/**
 * Every fenced code block, of any language, as its info string and text, in
 * order: what a translation must keep exactly as it is.
 */
export function fencedBlocks(markdown: string): { info: string; text: string }[] {
  return Lexer.lex(markdown, { gfm: true })
    .flatMap(codeBlocksIn)
    .filter((code) => code.codeBlockStyle !== 'indented')
    .map((code) => ({ info: (code.lang ?? '').trim(), text: code.text }));
}

/** The block as a shell step, or undefined if it is not shell code. */
function shellBlock(code: Tokens.Code, line: number): ShellBlock | undefined {
  if (code.codeBlockStyle === 'indented') return undefined;
  const [language = '', ...rest] = (code.lang ?? '').trim().split(/\s+/);
  if (!SHELL_LANGUAGES.has(language)) return undefined;
  const note = rest.join(' ');
  if (note !== '' && !isFenceNote(note)) throw new Error(`line ${line}: unknown shell block annotation "${note}" (use server or by-hand)`);
  return { kind: note === '' ? 'run' : note, code: code.text, line };
}

/** The code blocks in a token and the tokens nested in it (list items, quotes), in order. */
function codeBlocksIn(token: Token): Tokens.Code[] {
  if (token.type === 'code') return [token as Tokens.Code];
  const children: Token[] = [];
  if ('items' in token && Array.isArray(token.items)) children.push(...(token.items as Token[]));
  if ('tokens' in token && Array.isArray(token.tokens)) children.push(...token.tokens);
  return children.flatMap(codeBlocksIn);
}

/**
 * The 0-based line, within a top-level token's raw text, where a code block's
 * opening fence stands. A block nested in a list item has lost the item's
 * indent in its own raw text, so lines are compared trimmed.
 */
function fenceLine(raw: string, code: Tokens.Code, searchFrom: number): number {
  const fence = code.raw.split('\n')[0].trim();
  const lines = raw.split('\n');
  for (let index = searchFrom; index < lines.length; index++) if (lines[index].trim() === fence) return index;
  return searchFrom;
}

function countNewlines(text: string): number {
  let count = 0;
  for (const character of text) if (character === '\n') count++;
  return count;
}
