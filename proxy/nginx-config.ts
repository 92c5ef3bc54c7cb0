// The nginx.conf of `npm run proxy`: nginx as a reverse proxy in front of one
// pollbench server, the way a real deployment puts one in front of an app.
//
//   browser ──HTTP/1.1──▶ nginx :3080 ──HTTP/1.1, keep-alive──▶ pollbench :3000
//
// Each setting the course breaks on purpose is a parameter here, so the file
// a student opens (its path is printed) shows the directive that did it:
// - proxy_read_timeout: the longest nginx waits for the server to send
//   anything. A long poll held longer than that is cut, and nginx answers 504.
// - proxy_http_version: nginx speaks HTTP/1.0 to the server unless told
//   otherwise, and then opens a new connection for every request.
// - proxy_buffering: nginx collects the server's answer in buffers before
//   passing it on. Over HTTP/1.0 a stream has no chunks nginx could pass on
//   one by one, so an event waits there until a buffer (4 KiB) fills, unless
//   the server says `X-Accel-Buffering: no` (pollbench's SSE strategy does).
//   proxy_ignore_headers X-Accel-Buffering makes nginx buffer it anyway, as a
//   proxy that knows nothing of that header would.
// - the Upgrade and Connection headers: they are hop-by-hop, so a proxy drops
//   them unless told to pass them, and then no WebSocket can connect.
//
// nginx writes only into `dir`: its pid file, its logs and every temp
// folder; nothing under /etc or /var. Its error log goes to its stderr.

export interface ProxySettings {
  /** The folder nginx may write in, removed when the proxy stops. */
  dir: string;
  /** Where nginx listens. */
  host: string;
  port: number;
  /** The pollbench server, as host:port (see upstreamAddress). */
  upstream: string;
  /** proxy_read_timeout, in ms. */
  readTimeoutMs: number;
  /** proxy_buffering on or off. */
  buffering: boolean;
  /** proxy_http_version: what nginx speaks to the server. */
  httpVersion: HttpVersion;
  /** Pass WebSocket upgrades through. */
  upgrade: boolean;
  /** proxy_ignore_headers X-Accel-Buffering: buffer a stream even when the server asks not to. */
  ignoreAccelBuffering?: boolean;
  /** worker_connections: what one nginx worker holds at once, clients and upstream together. */
  maxConnections: number;
}

export const HTTP_VERSIONS = ['1.1', '1.0'] as const;
export type HttpVersion = (typeof HTTP_VERSIONS)[number];

/** nginx's own default proxy_read_timeout: 60 s. */
export const NGINX_DEFAULT_READ_TIMEOUT_MS = 60_000;
/** Idle connections to the server kept open for reuse, so a poll does not pay for a new one each time. */
const UPSTREAM_KEEPALIVE = 32;

/** The temp folders nginx creates at start, whether or not it ever buffers to disk. */
const TEMP_PATHS = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'];

/**
 * The host:port of an http:// URL with no path, e.g. http://127.0.0.1:3000 → 127.0.0.1:3000.
 * nginx proxies to that address; a path or another scheme would mean something else to it.
 */
export function upstreamAddress(target: string): string {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new Error(`--target must be a URL such as http://127.0.0.1:3000, got "${target}"`);
  }
  if (url.protocol !== 'http:' || url.pathname !== '/' || url.search || url.hash || url.username) {
    throw new Error(`--target must be http://host:port with nothing after it, e.g. http://127.0.0.1:3000, got "${target}"`);
  }
  return `${url.hostname}:${url.port || 80}`;
}

export function nginxConfig(settings: ProxySettings): string {
  const { dir } = settings;
  const tempPaths = TEMP_PATHS.map((name) => `    ${name}_temp_path ${dir}/${name};`).join('\n');
  return `# Written by npm run proxy: nginx in front of one pollbench server.
# Everything nginx writes stays in ${dir}, which is removed when it stops.

daemon off;                     # stay in the foreground, under npm run proxy
pid ${dir}/nginx.pid;
worker_processes 1;
error_log stderr warn;          # timeouts and failed connections to the server, live in the terminal

events {
    # Each proxied request holds two connections: the client's and one to the server.
    worker_connections ${settings.maxConnections};
}

http {
    log_format pollbench '$status  $request_time s  "$request"  server: $upstream_status after $upstream_response_time s';
    access_log ${dir}/access.log pollbench;

    # Where nginx spools what does not fit in memory: here, not in /var/lib/nginx.
${tempPaths}
${settings.upgrade ? UPGRADE_MAP : ''}
    upstream pollbench {
        server ${settings.upstream};
        keepalive ${UPSTREAM_KEEPALIVE};          # idle connections to the server, kept for the next requests
    }

    server {
        listen ${settings.host}:${settings.port};

        location / {
            proxy_pass http://pollbench;
${settings.httpVersion === '1.1' ? HTTP_1_1 : HTTP_1_0}
${settings.upgrade ? PASS_UPGRADE : DROP_UPGRADE}
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;

            # The longest the server may stay silent. A held long poll is
            # silent until it answers: hold it longer than this and nginx
            # gives up with 504 Gateway Time-out.
            proxy_read_timeout ${settings.readTimeoutMs}ms;

            # on: nginx gathers the answer in buffers before passing it on.
            # Over HTTP/1.0 a stream stalls there until a buffer fills, unless
            # the server sends "X-Accel-Buffering: no" with it.
            proxy_buffering ${settings.buffering ? 'on' : 'off'};
${settings.ignoreAccelBuffering ? IGNORE_ACCEL_BUFFERING : ''}
        }
    }
}
`;
}

const HTTP_1_1 = `            # HTTP/1.1 and no "Connection: close": connections to the server
            # are reused, and a stream arrives in chunks passed on one by one.
            proxy_http_version 1.1;`;

const HTTP_1_0 = `            # --http-version 1.0, nginx's own default: a new connection to the
            # server per request, and (with buffering on) a stream of unknown
            # length is passed on only each time a 4 KiB buffer fills.
            proxy_http_version 1.0;`;

const IGNORE_ACCEL_BUFFERING = `            # --accel-buffering ignore: buffer the answer even when the server
            # says "X-Accel-Buffering: no", like a proxy that does not know the header.
            proxy_ignore_headers X-Accel-Buffering;`;

const UPGRADE_MAP = `
    # A WebSocket handshake asks for "Connection: upgrade"; any other
    # request gets no Connection header, so its connection stays open for reuse.
    map $http_upgrade $connection_upgrade {
        default upgrade;
        ''      '';
    }
`;

const PASS_UPGRADE = `            # Upgrade and Connection are hop-by-hop: passed on only when asked.
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;`;

const DROP_UPGRADE = `            # --upgrade off: Upgrade is not passed on, so no WebSocket can connect.
            proxy_set_header Connection "";`;
