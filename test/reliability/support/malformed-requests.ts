// Malformed requests for the fuzz test: random bytes, broken HTTP, huge
// headers, random methods and paths, bodies that are never a valid message.
// Everything comes from a seeded random source, so a failure can be replayed.

const ROUTES = [
  '/', '/index.html', '/compare', '/results/', '/api/config', '/api/stats', '/api/messages', '/api/',
  '/api/short-poll/messages', '/api/long-poll/messages', '/api/long-poll-mtime/messages',
  '/api/long-poll/messages?since=0', '/api/long-poll-mtime/messages?since=0', '/api/sse/events', '/api/websocket',
  '/api/nope/messages', '/../package.json', '/%2e%2e/%2e%2e/etc/passwd', '*', 'http://127.0.0.1/api/config', '',
];
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH', 'TRACE', 'CONNECT', 'get', 'P0ST', 'G\u0000T', 'BREW'];
const VERSIONS = ['HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/9.9', 'HTTP/1', 'HTTX/1.1', '', 'HTTP/1.1 extra'];
/** Bodies that look like messages but each break a rule, so no fuzz request can add one. */
const NEAR_MESSAGES = [
  '{"author": 1, "text": "hi"}', '{"author": "ann"}', '{"author": "", "text": "x"}', '{"author": "a\\u0000", "text": "x"}',
  '{"author": "ann", "text": "' + 'x'.repeat(2001) + '"}', '[{"author": "ann", "text": "hi"}]', '{"author": "ann", "text": "hi"', 'null', '"text"',
];

export type Random = () => number;

function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)];
}

function randomBytes(random: Random, length: number): Buffer {
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i++) bytes[i] = Math.floor(random() * 256);
  return bytes;
}

function randomPath(random: Random): string {
  const route = pick(random, ROUTES);
  switch (Math.floor(random() * 4)) {
    case 0:
      return route;
    case 1:
      return route + '?since=' + encodeURIComponent(randomBytes(random, 1 + Math.floor(random() * 20)).toString('latin1'));
    case 2:
      return route + '/' + randomBytes(random, 1 + Math.floor(random() * 40)).toString('base64url');
    default:
      return '/' + '%'.repeat(Math.floor(random() * 3)) + 'a/'.repeat(Math.floor(random() * 3000));
  }
}

/** A request line, headers and perhaps a body; each kind breaks something different. */
export function malformedRequest(random: Random): Buffer {
  const method = pick(random, METHODS);
  const line = `${method} ${randomPath(random)} ${pick(random, VERSIONS)}\r\n`;
  switch (Math.floor(random() * 7)) {
    case 0: // pure noise
      return randomBytes(random, 1 + Math.floor(random() * 2048));
    case 1: // a request line that stops half-way, or uses bare newlines
      return Buffer.from(random() < 0.5 ? line.slice(0, Math.floor(random() * line.length)) : line.replace(/\r\n/g, '\n') + 'Host: x\n\n');
    case 2: // huge headers: one long value, or very many
      return Buffer.from(
        random() < 0.5
          ? `${line}Host: x\r\nX-Big: ${'a'.repeat(8_000 + Math.floor(random() * 60_000))}\r\n\r\n`
          : `${line}Host: x\r\n${Array.from({ length: 3000 }, (_, i) => `X-${i}: y\r\n`).join('')}\r\n`,
      );
    case 3: // header syntax errors
      return Buffer.from(`${line}Host: x\r\n${pick(random, ['Bad Header: 1', 'X:\u0001\u0002', 'no-colon', ': empty-name', 'X-\u00ff: y', ' leading: space'])}\r\n\r\n`);
    case 4: // lying or conflicting lengths, smuggling attempts
      return Buffer.from(
        `POST ${pick(random, ROUTES)} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n` +
          pick(random, [
            'Content-Length: abc\r\n',
            'Content-Length: -5\r\n',
            'Content-Length: 5\r\nContent-Length: 7\r\n',
            'Content-Length: 99999999999999999999\r\n',
            'Transfer-Encoding: chunked\r\nContent-Length: 4\r\n',
            'Transfer-Encoding: chunked\r\n',
            'Transfer-Encoding: gzip, chunked, identity\r\n',
          ]) +
          '\r\n' +
          pick(random, ['zz\r\nhello\r\n0\r\n\r\n', '5\r\n{"a"\r\n', 'ffffffffffffffff\r\n', '{"author":"ann"', '']),
      );
    case 5: // a message-shaped body that breaks a rule
      return Buffer.from(bodyRequest(pick(random, ['/api/short-poll/messages', '/api/long-poll/messages', '/api/messages']), pick(random, NEAR_MESSAGES)));
    default: // a random method and path, with random bytes as the body
      return Buffer.concat([Buffer.from(bodyRequest(randomPath(random), '', method).replace(/Content-Length: 0/, 'Content-Length: 64')), randomBytes(random, 64)]);
  }
}

function bodyRequest(path: string, body: string, method = 'POST'): string {
  return `${method} ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}
