// A memory room the lesson 4 checker can watch and steer, passed to the
// server as its room:
//   - it counts the reads after each cursor, so a check can see how many
//     reads one message cost a group of parked requests;
//   - on request, it lets a message in just after a read has taken its
//     snapshot and before the strategy gets the answer: the moment a
//     strategy that parks without looking again would wait past it.

import { MemoryRoom } from '../../room/memory-room.ts';
import type { MessageListener, Room } from '../../room/room.ts';
import type { Draft, Message, MessagesPage } from '../../wire/types.ts';

export class WatchedRoom implements Room {
  readonly kind = 'memory (watched by the checker)';
  private readonly inner = new MemoryRoom();
  private readonly readsAfter = new Map<string, number>();
  /** Appended during the next read that has a cursor, then forgotten. */
  private slipIn: { draft: Draft; appended: (message: Message) => void } | undefined;

  /** How many times the room was read after `cursor` since the last resetReads(). */
  readsOf(cursor: string): number {
    return this.readsAfter.get(cursor) ?? 0;
  }

  resetReads(): void {
    this.readsAfter.clear();
  }

  /**
   * The next read with a cursor takes its snapshot, then `draft` is appended
   * (every subscriber is told), then the read answers with the snapshot
   * taken before. Resolves with the message once it is appended.
   */
  appendDuringNextRead(draft: Draft): Promise<Message> {
    return new Promise((appended) => (this.slipIn = { draft, appended }));
  }

  async readAfter(cursor: string | undefined): Promise<MessagesPage> {
    const page = await this.inner.readAfter(cursor);
    if (cursor === undefined) return page;
    this.readsAfter.set(cursor, this.readsOf(cursor) + 1);
    const slipIn = this.slipIn;
    if (slipIn) {
      this.slipIn = undefined;
      slipIn.appended(await this.inner.append(slipIn.draft));
    }
    return page;
  }

  append(draft: Draft): Promise<Message> {
    return this.inner.append(draft);
  }

  subscribe(listener: MessageListener): () => void {
    return this.inner.subscribe(listener);
  }

  messageCount(): number {
    return this.inner.messageCount();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
