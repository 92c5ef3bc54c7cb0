// Lesson Markdown to DOM nodes that are safe to put in the page.
//
// marked turns Markdown into HTML, and Markdown lets an author write raw HTML,
// so the HTML is only text until DOMPurify has removed everything that could
// run: <script>, on* handlers, javascript: links. A lesson is a file anyone can
// change in a pull request: the page trusts it no more than a chat message.
// Only after that is the result touched, and only through DOM calls.

import DOMPurify from 'dompurify';
import { Marked, Renderer, type Tokens } from 'marked';
import { isFenceNote } from '../wire/lesson.ts';
import { element } from './element.ts';
import { pageText } from './i18n/page-language.ts';

/** A fence word is shown only if it is this plain. */
const PLAIN_WORD = /^[\w.+-]{1,32}$/;

// A fence's info string can carry a second word (```sh server). marked keeps
// only the first as the language, so the renderer notes both on the <pre>
// for labelFences() to show.
const marked = new Marked({
  gfm: true,
  renderer: {
    code(this: Renderer, token: Tokens.Code): string {
      const [language = '', note = ''] = (token.lang ?? '').trim().split(/\s+/);
      const html = Renderer.prototype.code.call(this, { ...token, lang: language });
      const attributes = [
        PLAIN_WORD.test(language) ? ` data-language="${language}"` : '',
        PLAIN_WORD.test(note) ? ` data-note="${note}"` : '',
      ].join('');
      return html.replace(/^<pre>/, `<pre${attributes}>`);
    },
  },
});

/** The Markdown as a fragment with nothing in it that can run, its code blocks labelled, every <details> closed. */
export function renderMarkdown(markdown: string): DocumentFragment {
  const html = marked.parse(markdown, { async: false });
  const fragment = DOMPurify.sanitize(html, {
    RETURN_DOM_FRAGMENT: true,
    // The page's policy blocks inline styles anyway; dropping them keeps the console free of violations.
    FORBID_TAGS: ['style', 'form'],
    // Teacher's notes (answers) must start collapsed, whatever the author wrote.
    FORBID_ATTR: ['style', 'open'],
  });
  labelFences(fragment);
  joinChineseLines(fragment);
  return fragment;
}

/** A Chinese character or full-width punctuation mark. */
const WIDE = '[\\u3000-\\u303f\\u4e00-\\u9fff\\uff00-\\uffef]';
const LINE_BREAK_BETWEEN_WIDE = new RegExp(`(${WIDE})[ \\t]*\\n[ \\t]*(?=${WIDE})`, 'g');

/**
 * A Chinese lesson wraps its paragraphs at line ends like the English one, but
 * Chinese puts no space between words: a line break between two Chinese
 * characters is dropped rather than shown as a space, as a Chinese reader expects.
 */
function joinChineseLines(root: DocumentFragment): void {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.parentElement?.closest('pre, code')) continue;
    const text = node.nodeValue ?? '';
    if (text.includes('\n')) node.nodeValue = text.replace(LINE_BREAK_BETWEEN_WIDE, '$1');
  }
}

/** Put a small label above each code block: its language, and what its second word means. */
function labelFences(root: ParentNode): void {
  for (const pre of root.querySelectorAll<HTMLElement>('pre[data-language]')) {
    const { language = '', note } = pre.dataset;
    const title = note !== undefined && isFenceNote(note) ? pageText().lessons.fenceNotes[note] : undefined;
    pre.prepend(element('span', 'fence-label', { title }, [note ? `${language} · ${note}` : language]));
  }
}
