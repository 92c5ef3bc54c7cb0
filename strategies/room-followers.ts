// Following the room from a cursor: what the two push strategies share.
//
// A push strategy keeps one connection open per client (an event stream, a
// WebSocket) and must send it every message once, in order, losing none,
// not even one posted while the client was connecting. A follower keeps a
// cursor, and a notification from the room only means "the room moved":
//
//   notification ──> every follower is now behind
//                    followers at the same cursor are read for together:
//                    one read, one delivery (serialized once), one new cursor
//   notification during a read ──> those followers read again when it ends
//
// The cursor, never the notification, decides what is sent, so nothing can
// be sent twice or skipped, even with a room whose notifications arrive after
// its reads already show the message (a room shared over a network).
// The price: one read of the room per message per distinct cursor, plus one
// that comes back empty, instead of sending the notified message as it is.

import type { Room } from '../room/room.ts';
import type { MessagesPage } from '../wire/types.ts';

/** Where a follower is in the room. */
interface Place {
  cursor: string;
  /** A read for this follower is in flight. */
  reading: boolean;
  /** The room may hold messages after `cursor`. */
  behind: boolean;
}

/** The first read for a new follower, taken before its connection is accepted. */
export interface FirstRead {
  page: MessagesPage;
  /** Notifications counted before the read began, to tell whether one came during it. */
  seenBefore: number;
}

/** Send these messages (and the gap flag) to these followers. Must not throw. */
export type Deliver<F> = (followers: F[], page: MessagesPage) => void;
/** The room could not be read for these followers: end their connections (they will resume). */
export type Fail<F> = (followers: F[], error: unknown) => void;

export class RoomFollowers<F> {
  private readonly places = new Map<F, Place>();
  private notificationsSeen = 0;
  private readonly unsubscribe: () => void;
  private readonly stopWatchingOutages: () => void;

  constructor(
    private readonly room: Room,
    private readonly deliver: Deliver<F>,
    private readonly fail: Fail<F>,
  ) {
    this.unsubscribe = room.subscribe(() => this.onNotification());
    // A room that lost its backend: read now, so the failed read ends the connections and clients resume.
    this.stopWatchingOutages = room.onUnavailable?.(() => this.onNotification()) ?? (() => {});
  }

  get size(): number {
    return this.places.size;
  }

  all(): IterableIterator<F> {
    return this.places.keys();
  }

  /** Read what follows `since`. A bad cursor throws CursorError here, while the client can still be refused. */
  async readFrom(since: string | undefined): Promise<FirstRead> {
    const seenBefore = this.notificationsSeen;
    const page = await this.room.readAfter(since);
    return { page, seenBefore };
  }

  /** Start following: send the first read, then everything after it. */
  add(follower: F, { page, seenBefore }: FirstRead): void {
    // A non-empty page may not be the whole story (reads are paged); a
    // notification during the read means the page may already be stale.
    const behind = page.messages.length > 0 || this.notificationsSeen !== seenBefore;
    this.places.set(follower, { cursor: page.cursor, reading: false, behind });
    if (page.messages.length > 0 || page.gap) this.deliver([follower], page);
    if (behind) this.readForThoseBehind();
  }

  remove(follower: F): void {
    this.places.delete(follower);
  }

  /** Stop listening to the room and forget every follower. */
  stop(): void {
    this.unsubscribe();
    this.stopWatchingOutages();
    this.places.clear();
  }

  private onNotification(): void {
    this.notificationsSeen += 1;
    for (const place of this.places.values()) place.behind = true;
    this.readForThoseBehind();
  }

  /** One read per distinct cursor among the followers that are behind and not already reading. */
  private readForThoseBehind(): void {
    const byCursor = new Map<string, F[]>();
    for (const [follower, place] of this.places) {
      if (place.reading || !place.behind) continue;
      place.reading = true;
      place.behind = false;
      const group = byCursor.get(place.cursor);
      if (group) group.push(follower);
      else byCursor.set(place.cursor, [follower]);
    }
    for (const [cursor, group] of byCursor) void this.readFor(cursor, group);
  }

  private async readFor(cursor: string, group: F[]): Promise<void> {
    let page: MessagesPage;
    try {
      page = await this.room.readAfter(cursor);
    } catch (error) {
      const stillHere = group.filter((follower) => this.places.delete(follower));
      if (stillHere.length > 0) this.fail(stillHere, error);
      return;
    }
    // Followers that left during the read are simply not in `places` any more.
    const stillHere = group.filter((follower) => this.places.has(follower));
    for (const follower of stillHere) {
      const place = this.places.get(follower)!;
      place.cursor = page.cursor;
      place.reading = false;
      if (page.messages.length > 0) place.behind = true; // read on until a read comes back empty
    }
    if (stillHere.length > 0 && (page.messages.length > 0 || page.gap)) this.deliver(stillHere, page);
    this.readForThoseBehind();
  }
}
