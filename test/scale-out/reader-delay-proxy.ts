// A TCP proxy in front of a private Redis that can hold back what Redis sends
// to one server's stream reader, so a test can make that server's reader lag
// behind the room for as long as it needs, instead of hoping to catch a race.
//
//   server B --commands--> proxy --> Redis
//   server B <--reader---- proxy <-- Redis    hold(): Redis's replies wait here
//
// The reader's connection is told apart by the name the room gives it
// (CLIENT SETNAME pollbench-reader), which it sends as it connects.

import { createServer, connect, type Server, type Socket } from 'node:net';
import { once } from 'node:events';

const READER_NAME = 'pollbench-reader';

export interface ReaderDelayProxy {
  /** redis://127.0.0.1:<proxy port> */
  url: string;
  /** From now on, keep what Redis sends to readers in the proxy. */
  hold(): void;
  /** Pass on what was kept, and everything after it. */
  release(): void;
  close(): Promise<void>;
}

/** Stop passing replies on; paused, the socket keeps them (a flowing one with no reader would drop them). */
function holdBack({ from, to }: { from: Socket; to: Socket }): void {
  from.unpipe(to);
  from.pause();
}

export async function startReaderDelayProxy(redisPort: number): Promise<ReaderDelayProxy> {
  const sockets = new Set<Socket>();
  const readerReplies = new Set<{ from: Socket; to: Socket }>();
  let holding = false;

  const server: Server = createServer((client) => {
    const redis = connect(redisPort, '127.0.0.1');
    for (const socket of [client, redis]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => [client, redis].forEach((end) => end.destroy())); // one end failed: drop the pair, as a network would
    }
    client.pipe(redis);
    redis.pipe(client);
    let sent = '';
    const watchForName = (chunk: Buffer) => {
      sent += chunk.toString('latin1');
      if (!sent.includes(READER_NAME)) return;
      client.off('data', watchForName);
      const replies = { from: redis, to: client };
      readerReplies.add(replies);
      if (holding) holdBack(replies);
    };
    client.on('data', watchForName);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };

  return {
    url: `redis://127.0.0.1:${port}`,
    hold() {
      holding = true;
      readerReplies.forEach(holdBack);
    },
    release() {
      holding = false;
      for (const { from, to } of readerReplies) from.pipe(to);
    },
    async close() {
      const closed = new Promise((resolve) => server.close(resolve));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
