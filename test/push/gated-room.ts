// A memory room with the timing of a room shared over a network, under the
// test's control: a read takes its snapshot at once but answers only when
// the test opens the gate, and news of a message arrives a moment late.
// It lets a test post a message exactly while a client's first read is in
// flight: the window where a push strategy could lose or repeat it.

import { MemoryRoom } from '../../room/memory-room.ts';
import type { MessageListener, Room } from '../../room/room.ts';
import type { Draft, Message, MessagesPage } from '../../wire/types.ts';

export class GatedRoom implements Room {
  readonly kind = 'gated-memory';
  /** Reads taken and waiting at the closed gate. */
  readsWaiting = 0;
  private readonly inner = new MemoryRoom();
  private gate: Promise<void> | undefined;
  private openTheGate: () => void = () => {};

  /** From now on, reads wait until openGate(). */
  closeGate(): void {
    this.gate = new Promise((resolve) => (this.openTheGate = resolve));
  }

  openGate(): void {
    this.gate = undefined;
    this.openTheGate();
  }

  append(draft: Draft): Promise<Message> {
    return this.inner.append(draft);
  }

  async readAfter(cursor: string | undefined): Promise<MessagesPage> {
    const snapshot = await this.inner.readAfter(cursor);
    const gate = this.gate;
    if (gate) {
      this.readsWaiting += 1;
      await gate;
      this.readsWaiting -= 1;
    }
    return snapshot;
  }

  subscribe(listener: MessageListener): () => void {
    return this.inner.subscribe((message) => setImmediate(() => listener(message)));
  }

  messageCount(): number {
    return this.inner.messageCount();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
