// When a page cannot start (the server is down, say), say so on the page
// rather than leaving it blank.

import { element } from '../element.ts';

export function showFailure(error: unknown): void {
  const text = `The page could not start: ${error instanceof Error ? error.message : String(error)}. Is the server running? Reload to try again.`;
  document.querySelector('.loading')?.remove();
  document.body.prepend(element('p', 'failure', { role: 'alert' }, [text]));
}
