// Long polling the way the source document's client does it.
//
// Its cursor is the data file's modification time, not a message id, so it
// cannot resume after a message another transport delivered: it always
// starts from the file as it is now. It re-asks at once after an answer, and
// also at once after a failure: no back-off, no jitter. When the server is
// down that is a tight loop of failing requests, which the wire view shows
// as a solid wall of red bars. Like the document, after a failure it asks
// with the cursor the error carried: ours carry none, so it starts over
// (the document's client sent timestamp 0 then).
// Server side: strategies/long-poll-mtime.ts.

import { pageText } from '../i18n/page-language.ts';
import { PollingTransport, type Failure } from './polling-loop.ts';
import type { TransportFactory } from './transport.ts';

class LongPollMtime extends PollingTransport {
  readonly strategy = 'long-poll-mtime';
  readonly cursorIsMessageId = false;

  /** An mtime cursor means nothing to message ids: start from the file as it is. */
  protected firstCursor(): string | undefined {
    return undefined;
  }

  protected waitAfterAnswer(): number {
    return 0;
  }

  /** The document's client: ask again at once, whatever went wrong. */
  protected waitAfterFailure(): number {
    return 0;
  }

  protected cursorAfterFailure(_cursor: string | undefined, failure: Failure): string | undefined {
    const body = failure.answer?.body as { cursor?: unknown } | undefined;
    return typeof body?.cursor === 'string' ? body.cursor : undefined;
  }

  protected waitingDetail(): string {
    return pageText().status.mtimeWaiting;
  }
}

export const longPollMtime: TransportFactory = (settings) => new LongPollMtime(settings);
