// Short polling: ask, get an answer at once, wait, ask again.
//
//   browser                         server
//     |-- GET ?since=41 ------------->|   nothing new
//     |<------------- [] cursor 41 ---|
//     |   ...waits the poll interval...
//     |-- GET ?since=41 ------------->|   message 42 arrived meanwhile
//     |<------------ [42] cursor 42 --|
//
// The server holds nothing between requests: every answer is immediate, so
// a message waits on average half an interval before a client asks for it,
// and each client costs one request per interval whether or not anything
// happened. The waiting is the client's job (web/transports/short-poll.ts);
// the server only tells it how long to wait.

import { replyJson } from '../http/reply.ts';
import type { Strategy } from './strategy.ts';

export const shortPoll: Strategy = {
  name: 'short-poll',
  delivery: 'poll',
  summary: 'The client asks every interval; the server answers at once, usually with nothing.',
  options: [{ flag: 'poll-interval', describe: 'Milliseconds a short-poll client waits between requests', default: 1000 }],

  start({ room, settings }) {
    return {
      clientSettings: { pollIntervalMs: settings.pollInterval },

      async receive(_request, response, since) {
        const page = await room.readAfter(since);
        replyJson(response, 200, page);
      },

      post: (draft) => room.append(draft),
      // Nothing is ever held: that is the point of short polling.
      heldCount: () => 0,
      close: async () => {},
    };
  },
};
