// Event-driven long polling: park the request, wake it when a message arrives.
//
//   browser                         server
//     |-- GET ?since=41 ------------->|   nothing newer than 41: park it
//     |              ...held...       |   (no timer, no polling: it just waits)
//     |                               |<-- message 42 is posted
//     |<------------ [42] cursor 42 --|   every parked request woken at once
//     |-- GET ?since=42 ------------->|   parked again straight away
//     |              ...held...       |
//     |<------------- [] cursor 42 ---|   hold timeout: answer empty, client re-asks
//
// What the server holds: one open socket and one small entry per waiting
// client, and nothing runs for it until a message arrives. A message costs
// one read of the room and one JSON serialization, shared by every parked
// client that was waiting at the same cursor; then one write per client.
// Nothing is lost: a message posted while a client is between two requests
// is simply newer than its cursor, so the next request is answered at once.

import type { ServerResponse } from 'node:http';
import { replyJson, replyJsonToAll } from '../shell/reply.ts';
import type { Room } from '../room/room.ts';
import type { Draft, Message, MessagesPage } from '../wire/types.ts';
import type { Strategy, StrategyServer } from './strategy.ts';

/** One timer sweeps expired holds at most this often; no request gets a timer of its own. */
const MAX_SWEEP_INTERVAL_MS = 1000;
/** ...and at least this often, so a short hold timeout is still honoured closely. */
const MIN_SWEEP_INTERVAL_MS = 10;

export const longPoll: Strategy = {
  name: 'long-poll',
  summary: 'The server parks each request until a message arrives or the hold times out.',
  options: [{ flag: 'hold-timeout', describe: 'Milliseconds a long-poll request is held before it is answered empty', default: 25_000, min: 1 }],
  start: ({ room, settings }) => new ParkedRequests(room, settings.holdTimeout),
};

/** A request waiting for the room to move past `cursor`. */
interface Parked {
  cursor: string;
  /** When the hold times out, in epoch ms. */
  deadline: number;
}

class ParkedRequests implements StrategyServer {
  readonly settings: Record<string, number>;
  private readonly parked = new Map<ServerResponse, Parked>();
  /** Requests taken off the parked list and being answered right now. */
  private waking = 0;
  /** Counts messages seen, so a request can tell one arrived while it was reading the room. */
  private messagesSeen = 0;
  private sweepTimer: NodeJS.Timeout | undefined;
  private readonly unsubscribe: () => void;
  // One listener shared by every parked response (`this` is the response), rather than a new closure per request.
  private readonly forgetOnClose: (this: ServerResponse) => void;

  constructor(
    private readonly room: Room,
    private readonly holdTimeoutMs: number,
  ) {
    this.settings = { holdTimeoutMs };
    this.unsubscribe = room.subscribe((message) => this.onMessage(message));
    const parked = this.parked;
    this.forgetOnClose = function (this: ServerResponse) {
      parked.delete(this);
    };
  }

  async receive(_request: unknown, response: ServerResponse, since: string | undefined): Promise<void> {
    for (;;) {
      const seenBefore = this.messagesSeen;
      const page = await this.room.readAfter(since);
      // Without a cursor the client wants history now; with news, it wants it now.
      if (since === undefined || page.messages.length > 0 || page.gap) return replyJson(response, 200, page);
      // A message may have arrived while we awaited the read: read again rather than park past it.
      if (this.messagesSeen === seenBefore) return this.park(response, page.cursor);
    }
  }

  post(draft: Draft): Promise<Message> {
    return this.room.append(draft);
  }

  heldCount(): number {
    return this.parked.size + this.waking;
  }

  async close(): Promise<void> {
    this.unsubscribe();
    this.stopSweeping();
    for (const [response, { cursor }] of this.parked) {
      replyJson(response, 200, { messages: [], cursor }, { Connection: 'close' });
    }
    this.parked.clear();
  }

  private park(response: ServerResponse, cursor: string): void {
    this.parked.set(response, { cursor, deadline: Date.now() + this.holdTimeoutMs });
    response.once('close', this.forgetOnClose);
    this.startSweeping();
  }

  /** Wake every parked request: one read and one serialization per distinct cursor. */
  private onMessage(_message: Message): void {
    this.messagesSeen += 1;
    if (this.parked.size === 0) return;
    const byCursor = new Map<string, ServerResponse[]>();
    for (const [response, { cursor }] of this.parked) {
      const group = byCursor.get(cursor);
      if (group) group.push(response);
      else byCursor.set(cursor, [response]);
    }
    this.parked.clear();
    this.stopSweeping();
    for (const [cursor, responses] of byCursor) void this.answerGroup(cursor, responses);
  }

  private async answerGroup(cursor: string, responses: ServerResponse[]): Promise<void> {
    this.waking += responses.length;
    try {
      const page: MessagesPage = await this.room.readAfter(cursor);
      replyJsonToAll(responses, 200, Buffer.from(JSON.stringify(page)));
    } catch (error) {
      replyJsonToAll(responses, 503, Buffer.from(JSON.stringify({ error: `could not read the room: ${String(error)}` })));
    } finally {
      this.waking -= responses.length;
    }
  }

  /** Answer, empty, every request whose hold has timed out. */
  private sweep(): void {
    const now = Date.now();
    for (const [response, { cursor, deadline }] of this.parked) {
      if (deadline > now) continue;
      this.parked.delete(response);
      replyJson(response, 200, { messages: [], cursor });
    }
    if (this.parked.size === 0) this.stopSweeping();
  }

  private startSweeping(): void {
    if (this.sweepTimer) return;
    const interval = Math.min(MAX_SWEEP_INTERVAL_MS, Math.max(MIN_SWEEP_INTERVAL_MS, this.holdTimeoutMs / 10));
    this.sweepTimer = setInterval(() => this.sweep(), interval);
  }

  private stopSweeping(): void {
    clearInterval(this.sweepTimer);
    this.sweepTimer = undefined;
  }
}
