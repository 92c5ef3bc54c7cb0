// Finding English left on a page that should speak Chinese: every text node a
// reader can see, and the tooltips, labels and placeholders they can meet,
// cut into words. What may stay English is short and named here.

import type { Page } from 'playwright-core';

/**
 * Words a Chinese page may show: product and protocol names, HTTP methods,
 * units, and "mtime", which the glossary keeps beside its translation.
 */
export const ALLOWED_WORDS = [
  'pollbench', 'SSE', 'WebSocket', 'HTTP', 'JSON', 'URL', 'CPU', 'RSS', 'Redis', 'JavaScript', 'Last-Event-ID', 'mtime',
  'GET', 'POST', 'WS', 'ms', 's', 'B', 'KiB', 'MiB',
];

/**
 * Left out, being no words of the page's own: code, what people wrote in the
 * chat, the lesson itself (course text, checked against the English by
 * test/lessons/translations.test.ts) and anything marked as another language
 * (the language switch names English in English).
 */
const NOT_THE_PAGES_WORDS = 'code, script, style, .chat-log .message, article.lesson';

/** Every English word the page shows or says (in title, placeholder, aria-label, alt) that is not allowed, with where it is. */
export function englishWordsShown(page: Page): Promise<string[]> {
  return page.evaluate(
    ({ allowed, skipped }) => {
      const found: string[] = [];
      const inPageLanguage = (node: Element) => (node.closest('[lang]')?.getAttribute('lang') ?? '') === document.documentElement.lang;
      const check = (text: string, where: string) => {
        // Chinese characters and punctuation separate words as spaces do.
        for (const raw of text.replace(/[^\x20-\x7e]/g, ' ').split(/\s+/)) {
          const token = raw.replace(/^[("'[,;!·]+|[)"'\],;:!·.]+$/g, '');
          // No letters (numbers, times), or a path, URL, file name, query or host:port: not words.
          if (!/[A-Za-z]/.test(token) || /[/.=?#_:@]/.test(token)) continue;
          if (!allowed.includes(token)) found.push(`${token} (in ${where}: "${text.trim().slice(0, 80)}")`);
        }
      };
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const parent = node.parentElement;
        if (!parent || !node.textContent?.trim() || parent.closest(skipped) || !inPageLanguage(parent)) continue;
        // An <option> has no box of its own: it is seen when its <select> is.
        if (!(parent.closest('select') ?? parent).checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) continue;
        check(node.textContent, parent.tagName.toLowerCase());
      }
      for (const element of document.querySelectorAll('[title], [placeholder], [aria-label], [alt]')) {
        if (element.closest(skipped) || !inPageLanguage(element)) continue;
        for (const name of ['title', 'placeholder', 'aria-label', 'alt']) {
          const value = element.getAttribute(name);
          if (value) check(value, `${element.tagName.toLowerCase()}[${name}]`);
        }
      }
      check(document.title, 'title');
      return found;
    },
    { allowed: ALLOWED_WORDS, skipped: NOT_THE_PAGES_WORDS },
  );
}
