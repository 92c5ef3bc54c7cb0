// Every sentence the page shows, in English: the one table the other
// languages are checked against (zh-CN.ts must have each of its keys, with the
// same arguments). A message with values is a function of them, so each
// language puts them where its grammar wants them.
//
// The strategies' names (short-poll, long-poll...) are what a student types
// after --strategy, so in English they are their own labels.

import { FENCE_NOTES, type FenceNote } from '../../wire/lesson.ts';

export const en = {
  titles: {
    chat: 'pollbench · chat',
    compare: 'pollbench · compare',
    stats: 'pollbench · server panel',
  },
  header: {
    pages: 'Pages',
    chat: 'Chat',
    compare: 'Compare two strategies',
    serverPanel: 'Server panel',
    yourName: 'Your name',
    largeText: 'Large text',
    language: 'Language',
  },
  chatPage: {
    loading: 'Loading the chat… (it needs JavaScript)',
    main: 'Chat and wire view',
    side: 'Lessons, server and joining',
    lessons: 'Lessons',
    serverPanel: 'Server panel',
    join: 'Join from another device',
  },
  comparePage: {
    intro: 'Two chats in the same room, each receiving through its own strategy. Type on either side and watch when the message arrives on each.',
    left: 'Left chat',
    right: 'Right chat',
  },
  statsPage: {
    /** Around a link to /api/stats. */
    introBefore: 'What the server is doing for everyone connected to it, read from ',
    introAfter: ' every second.',
  },
  failure: {
    pageCouldNotStart: (reason: string) => `The page could not start: ${reason}. Is the server running? Reload to try again.`,
    noStrategy: 'the server offers no strategy this page can speak',
    noElement: (id: string) => `the page has no element #${id}`,
    answered: (url: string, status: number) => `GET ${url} answered ${status}`,
  },
  chat: {
    label: 'Chat',
    conversation: 'Conversation',
    message: 'Message',
    placeholder: 'Type a message, Enter sends',
    send: 'Send',
    sent: 'sent',
    sentExplained: 'The server accepted it; no transport has delivered it back yet',
    switched: (time: string, from: string, to: string) => `${time}: switched from ${from} to ${to}`,
    gap: 'Some messages were missed: the server no longer keeps them.',
    notSent: (reason: string) => `Not sent: ${reason}`,
  },
  switcher: {
    legend: 'Strategy',
    noClient: (summary: string) => `${summary} (this page has no client for it yet)`,
    /** The strategy's settings from /api/config, right after its summary. */
    settings: (parts: string[]) => ` (${parts.join(', ')})`,
  },
  /** Each strategy the server offers, by the name it has in /api/config. */
  strategies: {
    'short-poll': { label: 'short-poll', summary: 'The client asks every interval; the server answers at once, usually with nothing.' },
    'long-poll-mtime': {
      label: 'long-poll-mtime',
      summary: 'As in the source document: each held request stats a data file until its mtime passes the cursor.',
    },
    'long-poll': { label: 'long-poll', summary: 'The server parks each request until a message arrives or the hold times out.' },
    sse: { label: 'sse', summary: 'The server keeps one response open per client and writes each message to it as an event.' },
    websocket: { label: 'websocket', summary: 'Client and server keep one WebSocket open; messages go both ways as JSON frames.' },
  },
  /** The strategies' settings in /api/config, by key. */
  settings: {
    pollIntervalMs: 'poll interval',
    checkEveryMs: 'check every',
    resolutionMs: 'resolution',
    holdTimeoutMs: 'hold timeout',
    heartbeatMs: 'heartbeat',
    retryMs: 'retry',
    pingIntervalMs: 'ping interval',
    maxFrameBytes: 'max frame bytes',
  },
  /** The status line: the state in bold, then what the transport is doing. */
  status: {
    states: { connecting: 'connecting', connected: 'connected', waiting: 'waiting', reconnecting: 'reconnecting', stopped: 'stopped' },
    stopped: 'stopped',
    asking: (path: string) => `asking ${path}`,
    reading: (path: string) => `reading ${path}`,
    openingStream: 'opening the event stream',
    openingSocket: 'opening the socket',
    noAnswer: 'no answer from the server',
    askingAgainAtOnce: (reason: string) => `${reason}; asking again at once`,
    askingAgainIn: (reason: string, seconds: string) => `${reason}; asking again in ${seconds} s`,
    tryingAgainIn: (reason: string, seconds: string) => `${reason}; trying again in ${seconds} s`,
    shortPollWaiting: (delayMs: number) => `answered at once; asks again in ${delayMs} ms`,
    longPollWaiting: (holdSeconds: number) => `held by the server until news arrives${holdSeconds > 0 ? ` or ${holdSeconds} s pass` : ''}`,
    mtimeWaiting: 'held while the server stats data.txt for a newer mtime',
    streamOpen: 'stream open: the server writes each message to it as an event',
    streamDropped: (lastEventId: string) => `stream dropped; the browser reconnects by itself, sending Last-Event-ID: ${lastEventId}`,
    streamRefused: 'the server refused the stream',
    socketOpen: 'socket open: messages come as frames, posts go as frames',
    socketClosed: (code: number, reason: string) => `the socket closed (${code}${reason ? `: ${reason}` : ''})`,
    socketRefused: 'the server refused the socket',
    socketClosedBeforeAnswer: 'the socket closed before the server answered; the message may or may not have been posted',
    /** No Last-Event-ID yet. */
    none: 'none',
  },
  wire: {
    label: 'Wire view',
    heading: 'On the wire (this tab)',
    countersSince: (time: string, strategy: string) => `Counters since ${time}, on ${strategy}.`,
    counters: {
      requests: { label: 'requests', explained: 'Requests this tab made' },
      empty: { label: 'empty', explained: 'Answers that carried no message' },
      bytes: { label: 'bytes in', explained: 'Bytes of answer bodies received' },
      delay: { label: 'last delay', explained: 'Delivery delay of the latest message: received here minus accepted by the server' },
      average: { label: 'avg delay', explained: 'Average delivery delay of the live messages counted' },
    },
    timeline: (seconds: number) => `Requests of the last ${seconds} seconds`,
    now: 'now',
    legend: {
      queued: 'queued in the browser',
      open: 'open, no answer yet',
      carried: 'carried messages',
      empty: 'empty',
      send: 'send',
      failed: 'failed',
    },
    tableCaption: 'Latest requests, newest first',
    columns: { at: 'at', request: 'request', status: 'status', took: 'took', bytes: 'bytes', messages: 'msgs' },
    open: 'open',
    pending: 'pending',
    /** Why a request or stream ended without a normal answer (the status column). */
    ended: { networkError: 'network error', stopped: 'stopped', dropped: 'dropped', refused: 'refused', closed: (code: number) => `closed ${code}` },
    streamOpen: (request: string, took: string, bytes: number, messages: number) => `${request}: open, ${took}, ${bytes} bytes, ${messages} messages`,
    noAnswerYet: (request: string, took: string) =>
      `${request}: no answer yet after ${took}: held by the server, or still queued in the browser (it sends at most six requests to one host at once)`,
    answered: (request: string, outcome: string, took: string, queued: string, bytes: number, messages: number) =>
      `${request}: ${outcome}, ${took}${queued}, ${bytes} bytes, ${messages} messages`,
    queuedPart: (duration: string) => `, of which ${duration} queued in the browser before it was sent`,
  },
  server: {
    firstReading: 'waiting for the first reading…',
    requestsChart: 'Requests answered per second',
    requestsUnit: 'req/s',
    heldChart: 'Requests held open now',
    heldUnit: 'held',
    cpuChart: 'Server CPU, % of one core',
    notAnswering: (error: string) => `The server is not answering (${error}).`,
    summary: (uptimeSeconds: number, messages: number, room: string, rssMiB: string) =>
      `Server up ${uptimeSeconds} s · ${messages} messages in the ${room} room · memory ${rssMiB} MiB (RSS)`,
    /** The room's kind in /api/stats. */
    rooms: { memory: 'memory', redis: 'redis' },
    now: 'now: ',
    serverProcess: 'server process',
  },
  join: {
    /** Around the command that lets a class in. */
    localOnlyBefore: 'This server listens on this machine only. To let a class join, start it with ',
    localOnlyAfter: '.',
    qrCode: (url: string) => `QR code for ${url}`,
    noQrCode: (error: string) => `No QR code: ${error}`,
  },
  lessons: {
    loading: 'Loading the lessons…',
    choose: 'Lesson',
    option: (number: number, title: string, minutes: number) => `${number} · ${title} (${minutes} min)`,
    listUnreadable: (reason: string) => `The list of lessons could not be read: ${reason}.`,
    noList: 'index.json has no "lessons" list',
    noLessons: 'lessons/index.json lists no lessons.',
    lessonUnreadable: (number: number, reason: string) => `Lesson ${number} could not be read: ${reason}.`,
    untranslated: 'This lesson is not translated yet: here it is in English.',
    repositoryFile: 'a file in the repository: open it in your editor',
    fenceNotes: FENCE_NOTES as Record<FenceNote, string>,
  },
  /** What a {{bench: ...}} marker in a lesson shows. */
  figures: {
    source: (path: string) => `from results/latest.json: ${path}`,
    noBenchRun: '(run npm run bench)',
    notMeasured: '(not in the latest bench run)',
    unreachable: '(the bench results could not be fetched)',
    answered: (status: number) => `(the bench results answered ${status})`,
    notJson: '(results/latest.json is not valid JSON)',
  },
};

/** The shape every language's table has. */
export type Messages = typeof en;
