// YOUR COPY of the event-driven long poll, for the exercise of lesson 4.
//
// Everything is here but the two moves the lesson is about: parking a
// request that has nothing to receive yet, and waking the parked requests
// when a message arrives. As it stands, park() does nothing, so a request
// with an up-to-date cursor is never answered, and wake() does nothing.
//
// The exercise (lessons/exercises/lesson-4/problem.md):
//   TODO 1-3. park(): hold the request, with its cursor and a deadline, in
//             `parked`; take a held-budget slot and give it back if the client leaves.
//   TODO 4.   wake(): answer every parked request, with one read of the room
//             per distinct cursor.
// Write them before you read the body of strategies/long-poll.ts: it is the answer.
//
// Check your work with:    npm run lesson -- verify 4
// Try it in the chat with:  npm run lesson -- 4 --exercise

import type { ServerResponse } from 'node:http';
import { replyFailureToAll } from '../../../http/failure.ts';
import { replyJson, replyJsonToAll } from '../../../http/reply.ts';
import type { Room } from '../../../room/room.ts';
import { withJitter } from '../../../strategies/hold-jitter.ts';
import type { HeldBudget, Strategy, StrategyContext, StrategyServer } from '../../../strategies/strategy.ts';
import type { Draft, Message } from '../../../wire/types.ts';

/** The sweep for timed-out holds runs about a hundred times per hold timeout, within these bounds. */
const MIN_SWEEP_INTERVAL_MS = 10;
const MAX_SWEEP_INTERVAL_MS = 250;

export const longPoll: Strategy = {
  name: 'long-poll',
  delivery: 'held-poll',
  summary: 'Your copy of the event-driven long poll (lesson 4).',
  options: [{ flag: 'hold-timeout', describe: 'Milliseconds a long-poll request is held before it is answered empty', default: 25_000, min: 1 }],
  start: (context) => new ParkedRequests(context),
};

/** The settings this copy reads, by name: a misspelt one is a type error, not undefined. */
interface LongPollSettings {
  /** --hold-timeout: how long a parked request waits before it is answered empty. */
  holdTimeoutMs: number;
}

/** A request waiting for the room to move past `cursor`. */
interface Parked {
  cursor: string;
  /** When its hold times out, in epoch ms. */
  deadline: number;
}

class ParkedRequests implements StrategyServer {
  readonly clientSettings: Record<string, number>;
  private readonly settings: LongPollSettings;
  private readonly room: Room;
  private readonly heldBudget: HeldBudget;
  /** Every request parked now. Each is answered once, and gives its held-budget slot back once. */
  private readonly parked = new Map<ServerResponse, Parked>();
  /** Requests taken off `parked` and being answered right now (still held, for /api/stats). */
  private waking = 0;
  /** Counts the room's messages, so a request can tell one arrived while it was reading the room. */
  private messagesSeen = 0;
  private sweepTimer: NodeJS.Timeout | undefined;
  private readonly unsubscribe: () => void;
  private readonly stopWatchingOutages: () => void;

  constructor({ room, settings, heldBudget }: StrategyContext) {
    this.settings = { holdTimeoutMs: settings.holdTimeout };
    this.clientSettings = { holdTimeoutMs: this.settings.holdTimeoutMs };
    this.room = room;
    this.heldBudget = heldBudget;
    this.unsubscribe = room.subscribe(() => {
      this.messagesSeen += 1;
      this.wake();
    });
    // A room that lost its backend (Redis): wake everyone, their read fails and they get a 503 to back off on.
    this.stopWatchingOutages = room.onUnavailable?.(() => this.wake()) ?? (() => {});
  }

  async receive(_request: unknown, response: ServerResponse, since: string | undefined): Promise<void> {
    for (;;) {
      const seenBefore = this.messagesSeen;
      const page = await this.room.readAfter(since);
      // Without a cursor the client wants history now; with news, it wants it now.
      if (since === undefined || page.messages.length > 0 || page.gap) return replyJson(response, 200, page);
      if (this.park(response, page.cursor, seenBefore)) return;
      // park() refused: a message arrived while we read. Read again.
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
    this.stopWatchingOutages();
    this.stopSweeping();
    for (const [response, { cursor }] of this.parked) {
      replyJson(response, 200, { messages: [], cursor }, { Connection: 'close' });
      this.heldBudget.release();
    }
    this.parked.clear();
  }

  // ---- The exercise: park() and wake(). ----

  /**
   * Hold `response` until the room moves past `cursor`, or its hold times out.
   * `seenBefore` is `messagesSeen` from just before the read that found nothing new.
   * Returns false, parking nothing, if a message arrived since then: receive() reads again.
   */
  private park(response: ServerResponse, cursor: string, seenBefore: number): boolean {
    // TODO 1. If a message arrived while receive() was reading the room, its wake() has already
    //         run: parking now would wait past it. Return false.
    // TODO 2. If the client left during the read (response.destroyed), there is nothing to hold.
    // TODO 3. Take a slot (this.heldBudget.hold() throws the 503 when none is left); put the response
    //         in this.parked with its cursor and deadline (now + this.settings.holdTimeoutMs, spread
    //         with withJitter()); startSweeping(); and when the client leaves (the response's 'close')
    //         while it is still parked, take it out and release its slot.
    return true;
  }

  /** A message arrived (or the room failed): answer every parked request. */
  private wake(): void {
    // TODO 4. Take every request off this.parked (stop the sweep: nothing is parked any more),
    //         group them by cursor, and call answerGroup() once per cursor.
  }

  /** One read of the room after `cursor`, serialized once and sent to the whole group; their slots go back. */
  private async answerGroup(cursor: string, responses: ServerResponse[]): Promise<void> {
    this.waking += responses.length;
    try {
      await replyJsonToAll(responses, 200, await this.room.readAfter(cursor));
    } catch (error) {
      await replyFailureToAll(responses, error); // a room outage: 503 with Retry-After, as a single request would get
    } finally {
      this.waking -= responses.length;
      for (let i = 0; i < responses.length; i++) this.heldBudget.release();
    }
  }

  /** Answer, empty and with its own cursor, every parked request whose hold has timed out. */
  private sweep(): void {
    const now = Date.now();
    for (const [response, { cursor, deadline }] of this.parked) {
      if (deadline > now) continue;
      this.parked.delete(response);
      this.heldBudget.release();
      replyJson(response, 200, { messages: [], cursor });
    }
    if (this.parked.size === 0) this.stopSweeping();
  }

  /** One timer for every parked request, never one each. */
  private startSweeping(): void {
    if (this.sweepTimer) return;
    const interval = Math.min(MAX_SWEEP_INTERVAL_MS, Math.max(MIN_SWEEP_INTERVAL_MS, this.settings.holdTimeoutMs / 100));
    this.sweepTimer = setInterval(() => this.sweep(), interval);
  }

  private stopSweeping(): void {
    clearInterval(this.sweepTimer);
    this.sweepTimer = undefined;
  }
}
