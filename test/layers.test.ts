// The architecture, kept by a test: every import line of every layer is read,
// and an arrow that crosses a line the README draws fails, naming the file
// and the arrow.
//
//   shell ──> strategies (through the registry) ──> room
//     │            │                                  │
//     └────────────┴──> http/ (replies, errors) ──────┤
//                                                     v
//   web ─────────────────────────────────────────> wire <── bench (over HTTP, like any client)

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { strategies } from '../strategies/registry.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const LAYERS = ['shell', 'http', 'room', 'strategies', 'wire', 'web', 'bench'];
/** Node-side scripts that live beside the browser code they build or photograph. */
const WEB_NODE_SCRIPTS = new Set(['web/build.ts', 'web/screenshots.ts']);
const STRATEGY_FILES = new Set(strategies.map(({ name }) => `strategies/${name}.ts`));

interface Arrow {
  /** The importing file, from the project root: "strategies/sse.ts". */
  from: string;
  /** What it imports: a project file ("shell/reply.ts") or a package ("node:http", "ws"). */
  to: string;
  isPackage: boolean;
}

/** Why an arrow is forbidden, or undefined when it is fine. */
function ruleBroken({ from, to, isPackage }: Arrow): string | undefined {
  const fromLayer = from.split('/')[0];
  const toLayer = isPackage ? undefined : to.split('/')[0];
  switch (fromLayer) {
    case 'strategies':
      if (toLayer === 'shell') return 'a strategy imports no shell code (the shell knows strategies, not the reverse)';
      if (STRATEGY_FILES.has(from) && STRATEGY_FILES.has(to) && from !== to) return 'a strategy never imports another strategy';
      return undefined;
    case 'room':
      if (toLayer === 'strategies' || toLayer === 'shell' || toLayer === 'http') return 'the room knows no strategy, shell or HTTP';
      return undefined;
    case 'http':
      if (toLayer === 'strategies' || toLayer === 'shell') return 'the HTTP toolkit is neutral: it knows no strategy or shell';
      return undefined;
    case 'wire':
      if (to.startsWith('node:')) return 'the wire format is shared with the browser: no Node modules';
      if (!isPackage && toLayer !== 'wire') return 'the wire format depends on nothing but itself';
      return undefined;
    case 'web':
      if (WEB_NODE_SCRIPTS.has(from)) return undefined;
      if (to.startsWith('node:')) return 'browser code cannot use Node modules';
      if (!isPackage && toLayer !== 'web' && toLayer !== 'wire') return 'the browser knows only the wire format (wire/)';
      return undefined;
    case 'bench':
      if (toLayer === 'strategies' || toLayer === 'shell' || toLayer === 'room') return 'the bench measures over HTTP like any client: no server code';
      return undefined;
    default:
      return undefined;
  }
}

/** Every import and re-export of a file's text, with relative specifiers resolved from the project root. */
function arrowsOf(file: string, text: string): Arrow[] {
  const arrows: Arrow[] = [];
  const specifiers = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+['"]([^'"]+)['"]|(?:^|\n)\s*import\s+['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const match of text.matchAll(specifiers)) {
    const specifier = match[1] ?? match[2] ?? match[3];
    const isPackage = !specifier.startsWith('.');
    const to = isPackage ? specifier : relative(ROOT, normalize(join(ROOT, dirname(file), specifier)));
    arrows.push({ from: file, to, isPackage });
  }
  return arrows;
}

function typescriptFiles(folder: string): string[] {
  return readdirSync(join(ROOT, folder), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.parentPath.includes('node_modules') && !entry.parentPath.includes('dist'))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)));
}

function forbiddenArrows(files: { file: string; text: string }[]): string[] {
  const broken: string[] = [];
  for (const { file, text } of files) {
    for (const arrow of arrowsOf(file, text)) {
      const why = ruleBroken(arrow);
      if (why) broken.push(`${arrow.from} → ${arrow.to}: ${why}`);
    }
  }
  return broken;
}

describe('the layers', () => {
  const files = LAYERS.flatMap(typescriptFiles).map((file) => ({ file, text: readFileSync(join(ROOT, file), 'utf8') }));

  it('reads the import lines of every layer', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(arrowsOf('strategies/sse.ts', files.find(({ file }) => file === 'strategies/sse.ts')!.text)).toContainEqual({
      from: 'strategies/sse.ts',
      to: 'strategies/room-followers.ts',
      isPackage: false,
    });
  });

  it('has no arrow that crosses a layer the wrong way', () => {
    expect(forbiddenArrows(files)).toEqual([]);
  });

  it('names the file and the arrow of a forbidden import planted on purpose', () => {
    const planted = [
      { file: 'strategies/long-poll.ts', text: "import { replyJson } from '../shell/reply.ts';\nimport { sse } from './sse.ts';" },
      { file: 'room/memory-room.ts', text: "import type { Strategy } from '../strategies/strategy.ts';" },
      { file: 'web/chat-pane.ts', text: "import { loadLessons } from '../lessons/catalog.ts';\nconst x = await import('../shell/shell.ts');" },
      { file: 'bench/cli.ts', text: "export { startShell } from '../shell/shell.ts';" },
      { file: 'wire/types.ts', text: "import { readFile } from 'node:fs/promises';" },
    ];
    expect(forbiddenArrows(planted)).toEqual([
      'strategies/long-poll.ts → shell/reply.ts: a strategy imports no shell code (the shell knows strategies, not the reverse)',
      'strategies/long-poll.ts → strategies/sse.ts: a strategy never imports another strategy',
      'room/memory-room.ts → strategies/strategy.ts: the room knows no strategy, shell or HTTP',
      'web/chat-pane.ts → lessons/catalog.ts: the browser knows only the wire format (wire/)',
      'web/chat-pane.ts → shell/shell.ts: the browser knows only the wire format (wire/)',
      'bench/cli.ts → shell/shell.ts: the bench measures over HTTP like any client: no server code',
      'wire/types.ts → node:fs/promises: the wire format is shared with the browser: no Node modules',
    ]);
  });
});
