// The parts of a lesson's Markdown that tools need: its headings and its
// fenced shell blocks. The doc-test runs the blocks; `npm run lesson -- <n>`
// prints them under their headings as the lesson's steps.
//
// A shell block's info string says how the doc-test treats it:
//   ```sh            run it (against the server the lesson started, if any)
//   ```sh server     one command that starts a server and keeps running:
//                    the doc-test starts it on a free port, and runs the
//                    lesson's later blocks against it
//   ```sh by-hand    shown, never run by the doc-test (installing, opening a
//                    browser, the whole test suite): the lesson says why
// GitHub and marked read only the first word ("sh") as the language.

export type BlockKind = 'run' | 'server' | 'by-hand';

export interface ShellBlock {
  kind: BlockKind;
  /** The block's text, without the fences. */
  code: string;
  /** 1-based line of the opening fence, for error messages. */
  line: number;
}

export type LessonPart = { type: 'heading'; depth: number; text: string } | { type: 'shell'; block: ShellBlock };

const SHELL_LANGUAGES = new Set(['sh', 'bash', 'shell', 'console']);
const KINDS: Record<string, BlockKind> = { '': 'run', server: 'server', 'by-hand': 'by-hand' };

/** Headings and shell blocks, in document order. Other fenced blocks (TypeScript, JSON, diagrams) are skipped. */
export function lessonParts(markdown: string): LessonPart[] {
  const parts: LessonPart[] = [];
  const lines = markdown.split('\n');
  for (let index = 0; index < lines.length; index++) {
    // A fence may be indented, inside a list item; its lines then carry the same indent.
    const fence = /^(\s*)(`{3,})\s*(\S*)\s*(.*)$/.exec(lines[index]);
    if (fence) {
      const [, indent, ticks, language, annotation] = fence;
      const end = lines.findIndex((line, at) => at > index && line.trim() === ticks);
      const closing = end === -1 ? lines.length : end;
      if (SHELL_LANGUAGES.has(language)) {
        const kind = KINDS[annotation.trim()];
        if (!kind) throw new Error(`line ${index + 1}: unknown shell block annotation "${annotation.trim()}" (use server or by-hand)`);
        const code = lines.slice(index + 1, closing).map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line));
        parts.push({ type: 'shell', block: { kind, code: code.join('\n'), line: index + 1 } });
      }
      index = closing;
      continue;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(lines[index]);
    if (heading) parts.push({ type: 'heading', depth: heading[1].length, text: heading[2].trim() });
  }
  return parts;
}

export function shellBlocks(markdown: string): ShellBlock[] {
  return lessonParts(markdown).flatMap((part) => (part.type === 'shell' ? [part.block] : []));
}
