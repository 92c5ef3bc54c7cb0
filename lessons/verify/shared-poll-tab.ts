// The page `verify 6` opens in eight tabs of one browser (bundled by
// shared-poll-check.ts, with the file under check in place of the import
// below). It starts the student's shareLongPoll the way the chat would, and
// keeps a record the checker reads: every message text this tab delivered, in
// order, and the long polls this tab sent.

import { shareLongPoll } from '../exercises/lesson-6/shared-poll.ts';
import type { MessagesPage } from '../../wire/types.ts';

export interface TabRecord {
  /** shareLongPoll has been called (and did not throw). */
  started: boolean;
  /** The text of every message delivered to this tab, in order. */
  delivered: string[];
  /** Long polls (GET ...?since=) this tab has sent, and how many are out now. */
  pollsSent: number;
  pollsOut: number;
  /** Uncaught errors of the page. */
  errors: string[];
}

declare global {
  interface Window {
    tab: TabRecord;
  }
}

const record: TabRecord = { started: false, delivered: [], pollsSent: 0, pollsOut: 0, errors: [] };
window.tab = record;
window.addEventListener('error', (event) => record.errors.push(String(event.message)));
window.addEventListener('unhandledrejection', (event) => record.errors.push(String(event.reason)));

// Count this tab's long polls as they leave and come back: who polls is what the checker judges.
const pageFetch = window.fetch.bind(window);
window.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
  const url = input instanceof Request ? input.url : String(input);
  if (!url.includes('/api/long-poll/messages?since=')) return pageFetch(input, init);
  record.pollsSent += 1;
  record.pollsOut += 1;
  try {
    return await pageFetch(input, init);
  } finally {
    record.pollsOut -= 1;
  }
};

// As the chat does: the history's cursor first (an answer at once), then the live messages.
const history = (await (await pageFetch('/api/long-poll/messages', { cache: 'no-store' })).json()) as MessagesPage;
try {
  shareLongPoll({ cursor: history.cursor, onMessages: (messages) => record.delivered.push(...messages.map((message) => message.text)) });
  record.started = true;
} catch (error) {
  record.errors.push(`shareLongPoll threw: ${String(error)}`);
}
