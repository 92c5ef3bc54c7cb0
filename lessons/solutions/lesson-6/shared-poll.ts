// THE REFERENCE SOLUTION of lesson 6's exercise: one long poll per browser,
// shared by all its tabs.
//
// Every tab of the chat holds a long poll, and a browser sends at most six
// requests to one server at once: a seventh tab waits in the browser's queue.
// But the tabs of one browser can talk to each other. So one tab, the leader,
// polls for all of them and relays each page it gets to the others:
//
//   tab 1, the leader ──GET ?since=<cursor>──▶ server      (it holds the lock)
//     │  { since, page }
//     └──BroadcastChannel──▶ tab 2, tab 3 ... tab 8      (they never poll)
//
// The leader is whichever tab holds a Web Lock (navigator.locks): the browser
// grants it to one tab at a time and, when the leader's tab closes, to the
// next tab waiting for it. That tab polls from the cursor of the last page it
// was relayed, so the handover loses nothing. Around a handover a tab can be
// handed the same messages twice (the old leader's last page and the new
// leader's first), so a tab delivers a page only if it starts at its own cursor.
//
// Browser code: it imports only the wire format.

import type { Message, MessagesPage } from '../../../wire/types.ts';

/** The lock whose holder polls for every tab of this browser. */
export const LEADER_LOCK = 'pollbench-long-poll-leader';
/** The channel the leader relays every page on. */
export const RELAY_CHANNEL = 'pollbench-long-poll-pages';
/** After a failed poll (the server restarting, a proxy's 504), wait this long before asking again. */
const RETRY_AFTER_FAILURE_MS = 1000;

/** What the leader relays: a page, and the cursor it was asked with, where the page starts. */
export interface RelayedPage {
  since: string;
  page: MessagesPage;
}

export interface SharedPollOptions {
  /** Where this tab starts: the cursor of the page's first GET /api/long-poll/messages. */
  cursor: string;
  /** Called with each batch of new messages: every message once, in order. */
  onMessages(messages: Message[]): void;
}

/** Deliver every new message in this tab, while only one tab of the browser polls. */
export function shareLongPoll({ cursor: start, onMessages }: SharedPollOptions): void {
  let cursor = start;
  const channel = new BroadcastChannel(RELAY_CHANNEL);

  /** Deliver a page if it starts where this tab is; one that does not was delivered already. */
  function accept({ since, page }: RelayedPage): void {
    if (since !== cursor) return;
    cursor = page.cursor;
    if (page.messages.length > 0) onMessages(page.messages);
  }

  channel.onmessage = (event: MessageEvent<RelayedPage>) => accept(event.data);

  // The callback runs once this tab holds the lock, which it keeps until the
  // callback's promise settles: never, while the tab lives.
  void navigator.locks.request(LEADER_LOCK, async () => {
    for (;;) {
      const since = cursor;
      const page = await poll(since);
      if (page === undefined) {
        await wait(RETRY_AFTER_FAILURE_MS);
        continue;
      }
      const relayed: RelayedPage = { since, page };
      channel.postMessage(relayed); // to every other tab; a channel does not echo to its sender
      accept(relayed);
    }
  });
}

/** One long poll from `since`: the page, or undefined if it failed. */
async function poll(since: string): Promise<MessagesPage | undefined> {
  try {
    // no-store: Chromium would otherwise let one request per URL at a time past its cache.
    const response = await fetch(`/api/long-poll/messages?since=${encodeURIComponent(since)}`, { cache: 'no-store' });
    return response.ok ? ((await response.json()) as MessagesPage) : undefined;
  } catch {
    return undefined; // no answer at all (the server is down): a failure like any other, asked again later
  }
}

function wait(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
