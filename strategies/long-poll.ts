// Event-driven long polling: park the request, wake it when a message arrives.
//
//   browser                         server
//     |-- GET ?since=41 ------------->|   nothing newer than 41: park it
//     |              ...held...       |   (no polling: it just waits)
//     |                               |<-- message 42 is posted
//     |<------------ [42] cursor 42 --|   every parked request woken at once
//     |-- GET ?since=42 ------------->|   parked again straight away
//     |              ...held...       |
//     |<------------- [] cursor 42 ---|   hold timeout: answer empty, client re-asks
//
// What the server holds: one open socket and one small entry per waiting
// client. Nothing reads the room for it until a message arrives; the only
// thing that runs meanwhile is one timer for all of them, which every few
// hundred ms answers the requests whose hold has timed out (no request gets
// a timer of its own). A message costs one read of the room and one JSON
// serialization, shared by every parked client that was waiting at the same
// cursor; then one write per client.
// Nothing is lost: a message posted while a client is between two requests
// is simply newer than its cursor, so the next request is answered at once.
// Each parked request takes a slot of the server-wide held budget
// (--max-held) and gives it back however it ends; hold timeouts are
// jittered so clients parked together do not all return together.

import type { ServerResponse } from 'node:http';
import { replyFailureToAll } from '../http/failure.ts';
import { replyJson, replyJsonToAll } from '../http/reply.ts';
import type { Room } from '../room/room.ts';
import type { Draft, Message } from '../wire/types.ts';
import { JITTER, withJitter } from './hold-jitter.ts';
import type { HeldBudget, Strategy, StrategyServer } from './strategy.ts';

/** The sweep for timed-out holds runs no more often than this... */
const MIN_SWEEP_INTERVAL_MS = 10;
/** ...and at least this often, so jittered deadlines end in many small batches, not a few big ones. */
const MAX_SWEEP_INTERVAL_MS = 250;
/** Sweeps per jitter band (20% of the hold timeout): the finer, the smoother clients return. */
const SWEEPS_PER_JITTER_BAND = 20;

export const longPoll: Strategy = {
  name: 'long-poll',
  delivery: 'held-poll',
  summary: 'The server parks each request until a message arrives or the hold times out.',
  options: [{ flag: 'hold-timeout', describe: 'Milliseconds a long-poll request is held before it is answered empty', default: 25_000, min: 1 }],
  start: ({ room, settings, heldBudget }) => new ParkedRequests(room, settings.holdTimeout, heldBudget),
};

/** Requests waiting at one cursor, each with the time its hold times out (epoch ms). */
type WaitingAt = Map<ServerResponse, number>;

class ParkedRequests implements StrategyServer {
  readonly clientSettings: Record<string, number>;
  /**
   * Parked requests grouped by the cursor they wait at. A request is parked only when
   * nothing is newer than its cursor, so nearly always there is one group: the room's
   * last message. A message wakes each group with one read and one serialization.
   * A group that empties is dropped, so an empty map means nobody is parked.
   */
  private parked = new Map<string, WaitingAt>();
  /** Requests taken off the parked list and being answered right now. */
  private waking = 0;
  /** Counts messages seen, so a request can tell one arrived while it was reading the room. */
  private messagesSeen = 0;
  private sweepTimer: NodeJS.Timeout | undefined;
  private readonly unsubscribe: () => void;
  private readonly stopWatchingOutages: () => void;

  constructor(
    private readonly room: Room,
    private readonly holdTimeoutMs: number,
    private readonly heldBudget: HeldBudget,
  ) {
    this.clientSettings = { holdTimeoutMs };
    this.unsubscribe = room.subscribe(() => this.onMessage());
    // A room that lost its backend (Redis): wake everyone now, their read fails and they get a 503 to back off on.
    this.stopWatchingOutages = room.onUnavailable?.(() => this.wakeEveryone()) ?? (() => {});
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
    let parked = 0;
    for (const waiting of this.parked.values()) parked += waiting.size;
    return parked + this.waking;
  }

  async close(): Promise<void> {
    this.unsubscribe();
    this.stopWatchingOutages();
    this.stopSweeping();
    for (const [cursor, waiting] of this.takeAllParked()) {
      for (const response of waiting.keys()) {
        replyJson(response, 200, { messages: [], cursor }, { Connection: 'close' });
        this.heldBudget.release();
      }
    }
  }

  private park(response: ServerResponse, cursor: string): void {
    // The client may have left while we read the room: its 'close' has fired already and would never free the slot.
    if (response.destroyed) return;
    this.heldBudget.hold(); // throws 503 when the server holds its limit
    let waiting = this.parked.get(cursor);
    if (!waiting) this.parked.set(cursor, (waiting = new Map()));
    waiting.set(response, Date.now() + withJitter(this.holdTimeoutMs));
    // A response closes once, however it ends; still parked then means nobody answered it: the client left.
    response.on('close', () => this.forget(response));
    this.startSweeping();
  }

  /** Take a request that is still parked off the list, and give its slot back. */
  private forget(response: ServerResponse): void {
    for (const [cursor, waiting] of this.parked) {
      if (!waiting.delete(response)) continue;
      if (waiting.size === 0) this.parked.delete(cursor);
      this.heldBudget.release();
      return;
    }
  }

  /** Every parked group, taken off the list (their slots are still held). */
  private takeAllParked(): Map<string, WaitingAt> {
    const all = this.parked;
    this.parked = new Map();
    return all;
  }

  private onMessage(): void {
    this.messagesSeen += 1;
    this.wakeEveryone();
  }

  /** Wake every parked request: one read and one serialization per cursor. */
  private wakeEveryone(): void {
    if (this.parked.size === 0) return;
    this.stopSweeping();
    for (const [cursor, waiting] of this.takeAllParked()) void this.answerGroup(cursor, waiting);
  }

  private async answerGroup(cursor: string, waiting: WaitingAt): Promise<void> {
    this.waking += waiting.size;
    try {
      await replyJsonToAll(waiting.keys(), 200, await this.room.readAfter(cursor));
    } catch (error) {
      // The same answer a single request would get (a room outage: 503 with Retry-After).
      await replyFailureToAll(waiting.keys(), error);
    } finally {
      this.waking -= waiting.size;
      for (let i = 0; i < waiting.size; i++) this.heldBudget.release();
    }
  }

  /** Answer, empty, every request whose hold has timed out. */
  private sweep(): void {
    const now = Date.now();
    for (const [cursor, waiting] of this.parked) {
      for (const [response, deadline] of waiting) {
        if (deadline > now) continue;
        waiting.delete(response);
        this.heldBudget.release();
        replyJson(response, 200, { messages: [], cursor });
      }
      if (waiting.size === 0) this.parked.delete(cursor);
    }
    if (this.parked.size === 0) this.stopSweeping();
  }

  private startSweeping(): void {
    if (this.sweepTimer) return;
    const band = 2 * JITTER * this.holdTimeoutMs;
    const interval = Math.min(MAX_SWEEP_INTERVAL_MS, Math.max(MIN_SWEEP_INTERVAL_MS, band / SWEEPS_PER_JITTER_BAND));
    this.sweepTimer = setInterval(() => this.sweep(), interval);
  }

  private stopSweeping(): void {
    clearInterval(this.sweepTimer);
    this.sweepTimer = undefined;
  }
}
