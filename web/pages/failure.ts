// When a page cannot start (the server is down, say), say so on the page
// rather than leaving it blank.

import { element } from '../element.ts';
import { pageText } from '../i18n/page-language.ts';

export function showFailure(error: unknown): void {
  const text = pageText().failure.pageCouldNotStart(error instanceof Error ? error.message : String(error));
  document.querySelector('.loading')?.remove();
  document.body.prepend(element('p', 'failure', { role: 'alert' }, [text]));
}
