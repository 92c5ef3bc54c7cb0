// The conversation as the page shows it.
//
// Each message appears once, whatever delivered it and however often: the
// log remembers every id it has shown. A message this tab sent shows at once,
// greyed as "sent", and turns normal when a transport actually delivers it,
// so a message the server never delivers back (long-poll-mtime loses some)
// stays visibly undelivered.

import type { Draft, Message } from '../wire/types.ts';
import { clockTime, element } from './element.ts';
import { pageText } from './i18n/page-language.ts';

export class ChatLog {
  private readonly list: HTMLOListElement;
  /** Every message id shown, delivered or pending, and its line. */
  private readonly lines = new Map<string, HTMLLIElement>();

  constructor(container: HTMLElement) {
    this.list = element('ol', 'chat-log', { 'aria-label': pageText().chat.conversation, 'aria-live': 'polite', tabindex: 0 });
    container.append(this.list);
  }

  /** Show delivered messages, skipping any already shown. */
  add(messages: Message[]): void {
    for (const message of messages) {
      const line = this.lines.get(message.id);
      if (line?.classList.contains('pending')) {
        line.classList.remove('pending');
        line.querySelector('.state')?.remove();
        continue;
      }
      if (line) continue; // delivered again (after a switch of strategy, say): shown once
      this.insert(message.id, this.messageLine(message));
    }
  }

  /** Show a message this tab sent, before any transport delivers it back. */
  addSent(id: string, ts: number, draft: Draft): void {
    if (this.lines.has(id)) return; // delivered before the POST even answered
    const line = this.messageLine({ id, ts, ...draft });
    line.classList.add('pending');
    const words = pageText().chat;
    line.append(element('span', 'state', { title: words.sentExplained }, [words.sent]));
    this.insert(id, line);
  }

  /** A line that is not a message: a switch of strategy, a gap, an error. */
  notice(text: string): void {
    this.append(element('li', 'notice', {}, [text]));
  }

  private messageLine(message: Message): HTMLLIElement {
    return element('li', 'message', { 'data-id': message.id }, [
      element('time', 'time', { datetime: new Date(message.ts).toISOString() }, [clockTime(message.ts)]),
      element('span', 'author', {}, [message.author]),
      element('span', 'text', {}, [message.text]),
    ]);
  }

  /** Keep messages in id order even when one arrives late (after a switch of strategy, say). */
  private insert(id: string, line: HTMLLIElement): void {
    this.lines.set(id, line);
    let before: Element | null = null;
    for (let other = this.list.lastElementChild; other; other = other.previousElementSibling) {
      const otherId = other.getAttribute('data-id');
      if (otherId === null) continue; // a notice: keep looking before it
      if (compareIds(otherId, id) < 0) break;
      before = other;
    }
    if (before) this.list.insertBefore(line, before);
    else this.append(line);
  }

  private append(line: HTMLLIElement): void {
    const atBottom = this.list.scrollTop + this.list.clientHeight >= this.list.scrollHeight - 40;
    this.list.append(line);
    // Follow the conversation, unless the reader scrolled up to read something older.
    if (atBottom) this.list.scrollTop = this.list.scrollHeight;
  }
}

/** Ids are decimal numbers from the room; compare them as numbers, anything else as text. */
function compareIds(a: string, b: string): number {
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
  return a < b ? -1 : a > b ? 1 : 0;
}
