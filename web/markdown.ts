// Lesson Markdown to DOM nodes that are safe to put in the page.
//
// marked turns Markdown into HTML, and Markdown lets an author write raw HTML,
// so the HTML is only text until DOMPurify has removed everything that could
// run: <script>, on* handlers, javascript: links. A lesson is a file anyone can
// change in a pull request: the page trusts it no more than a chat message.
// Only after that is the result touched, and only through DOM calls.

import DOMPurify from 'dompurify';
import { Marked, Renderer, type Tokens } from 'marked';
import { FENCE_NOTES, isFenceNote } from '../wire/lesson.ts';
import { element } from './element.ts';

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
  return fragment;
}

/** Put a small label above each code block: its language, and what its second word means. */
function labelFences(root: ParentNode): void {
  for (const pre of root.querySelectorAll<HTMLElement>('pre[data-language]')) {
    const { language = '', note } = pre.dataset;
    const title = note !== undefined && isFenceNote(note) ? FENCE_NOTES[note] : undefined;
    pre.prepend(element('span', 'fence-label', { title }, [note ? `${language} · ${note}` : language]));
  }
}
