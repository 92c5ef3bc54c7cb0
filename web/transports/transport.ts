// The one interface every client transport implements.
//
// A transport is the browser half of a strategy: it knows how to get messages
// from /api/<strategy>/..., how to send one, and how to recover from errors.
// The page knows transports only through this interface and the registry, so
// switching strategy is: stop one transport, start another.
//
// Every transport also reports what it does on the wire, as events:
//
//   a request/response pair     open ............................ close (status, bytes, messages)
//   a long-lived stream/socket  open ... data ... data ... data ... close
//
// A poll is an open and a close; an EventSource or a WebSocket is one open, a
// data event per event or frame, and a close when it drops. The wire view
// draws both from the same events.

import type { Accepted, Draft, Message } from '../../wire/types.ts';
import { postMessage } from './watched-fetch.ts';

/** Where a new transport should pick the conversation up. */
export interface Resume {
  /**
   * The last message id the page has seen from a transport that missed
   * nothing. Transports whose cursor is a message id ask for what follows it;
   * others ignore it. Undefined: start with the room's recent history.
   */
  afterId?: string;
}

/** Messages as a transport delivers them. */
export interface Delivery {
  messages: Message[];
  /** True for the history a transport fetches when it starts: not live, so no delivery delay. */
  history: boolean;
  /** The server dropped messages older than the cursor: some were missed. */
  gap: boolean;
  /** When the browser received them, epoch ms. */
  receivedAt: number;
}

/** What is happening on the wire, for the wire view. */
export type WireEvent =
  | {
      type: 'open';
      /** Ties the events of one request or stream together. */
      id: number;
      at: number;
      method: string;
      url: string;
      /** 'receive' for polls and streams, 'send' for posts. */
      purpose: 'receive' | 'send';
      /** A stream stays open and carries data events; a request ends with its one answer. */
      stream: boolean;
    }
  | {
      /** An event or frame on an open stream (never sent for plain requests). */
      type: 'data';
      id: number;
      at: number;
      direction: 'in' | 'out';
      bytes: number;
      messages: number;
    }
  | {
      type: 'close';
      id: number;
      at: number;
      /** HTTP status, when there was an answer. */
      status?: number;
      /** Why it failed or ended early, in the page's words ('network error', 'stopped'...). */
      error?: string;
      /** Body bytes of the answer (requests only; streams count them in data events). */
      bytes: number;
      /** Messages the answer carried. */
      messages: number;
      /**
       * When the browser actually sent the request (requests only, when the
       * browser says): later than the open event's `at` if it waited for a
       * free connection, queued behind other requests to the same host.
       */
      sentAt?: number;
    };

/**
 * connecting: the first ask is out; connected: the server answered;
 * waiting: a request is held by the server until news; reconnecting: after an error.
 */
export type ConnectionState = 'connecting' | 'connected' | 'waiting' | 'reconnecting' | 'stopped';

export interface Status {
  state: ConnectionState;
  /** One short sentence for the status line: "waiting: the server holds the request". */
  detail: string;
}

export interface Transport {
  /** The strategy this transport speaks, as named in /api/config. */
  readonly strategy: string;
  /**
   * True if the cursor is a message id: the transport then resumes right after
   * Resume.afterId, and switching between two such transports loses nothing.
   */
  readonly cursorIsMessageId: boolean;
  /** Begin receiving. Called once. */
  start(resume: Resume): void;
  /** Stop receiving and cancel whatever is in flight. */
  stop(): void;
  /** Post a message; resolves with the id and time the server gave it. */
  send(draft: Draft): Promise<Accepted>;
  onMessage(listener: (delivery: Delivery) => void): void;
  onWire(listener: (event: WireEvent) => void): void;
  onStatus(listener: (status: Status) => void): void;
}

/** The settings a transport needs from /api/config (pollIntervalMs, holdTimeoutMs...). */
export type StrategySettings = Record<string, unknown>;

/** Builds a transport; `settings` is the strategy's entry in /api/config. */
export type TransportFactory = (settings: StrategySettings) => Transport;

/**
 * The listener lists and emit helpers every transport needs, so that a
 * transport file holds only its own protocol.
 */
export abstract class TransportBase implements Transport {
  abstract readonly strategy: string;
  abstract readonly cursorIsMessageId: boolean;
  abstract start(resume: Resume): void;
  abstract stop(): void;

  /** Honest default: an ordinary POST /api/<strategy>/messages (a WebSocket posts on its socket instead). */
  send(draft: Draft): Promise<Accepted> {
    return postMessage(this.wire, this.strategy, draft);
  }

  private readonly messageListeners: ((delivery: Delivery) => void)[] = [];
  private readonly wireListeners: ((event: WireEvent) => void)[] = [];
  private readonly statusListeners: ((status: Status) => void)[] = [];

  onMessage(listener: (delivery: Delivery) => void): void {
    this.messageListeners.push(listener);
  }
  onWire(listener: (event: WireEvent) => void): void {
    this.wireListeners.push(listener);
  }
  onStatus(listener: (status: Status) => void): void {
    this.statusListeners.push(listener);
  }

  protected deliver(delivery: Delivery): void {
    for (const listener of this.messageListeners) listener(delivery);
  }
  /** Pass this to watchedFetch so requests show up in the wire view. */
  protected readonly wire = (event: WireEvent): void => {
    for (const listener of this.wireListeners) listener(event);
  };
  protected setStatus(state: ConnectionState, detail: string): void {
    for (const listener of this.statusListeners) listener({ state, detail });
  }
}
