// YOUR COPY of one long poll per browser, shared by all its tabs, for the
// exercise of lesson 6.
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
// As it stands no tab polls, and no tab hears of anything.
//
// The exercise (lessons/exercises/lesson-6/problem.md):
//   TODO 1. accept(): deliver a relayed page only if it starts at this tab's
//           cursor, then move the cursor on.
//   TODO 2. Every tab accepts each page that comes on the channel.
//   TODO 3. The tab that holds the lock (navigator.locks) polls, and relays
//           each page; when it closes, the next tab takes over from its cursor.
//
// Browser code: it imports only the wire format.
// Check your work with:  npm run lesson -- verify 6

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
    // TODO 1: if `since` is not this tab's `cursor`, return: this tab has moved past it (the same
    //         messages can come twice around a handover). Otherwise move `cursor` to `page.cursor`
    //         and hand the page's messages to onMessages (when there are any).
  }

  // TODO 2: every tab accepts each page the leader relays: channel.onmessage = (event) => ...
  //         (the page is event.data).

  // TODO 3: navigator.locks.request(LEADER_LOCK, async () => { ... }). The browser runs the
  //         callback in one tab at a time, and in the next waiting tab once that tab closes;
  //         the tab keeps the lock until the callback's promise settles, so never let it settle.
  //         In it, loop forever: poll(cursor); on a page, post { since, page } on the channel
  //         (it reaches every other tab, not this one) and accept() it here too; on a failure,
  //         wait(RETRY_AFTER_FAILURE_MS) first.
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
