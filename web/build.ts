// Bundle the browser client: one script per page, from web/pages/ into
// web/dist/ (which git ignores). `npm start` runs it first (prestart), and the
// browser tests call buildWeb() before they open a page.
//
//   node --import tsx web/build.ts

import { mkdir, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const WEB_FOLDER = dirname(fileURLToPath(import.meta.url));
export const DIST_FOLDER = join(WEB_FOLDER, 'dist');
const PAGES = ['chat', 'compare', 'stats'];

/** Build every page's script; resolves with the files written. */
export async function buildWeb(): Promise<string[]> {
  const result = await build({
    entryPoints: PAGES.map((page) => join(WEB_FOLDER, 'pages', `${page}.ts`)),
    outdir: DIST_FOLDER,
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    sourcemap: 'linked',
    // Left readable on purpose: students open these in the browser's dev tools.
    minify: false,
    write: false,
    logLevel: 'warning',
  });
  await mkdir(DIST_FOLDER, { recursive: true });
  // Write each file beside its place, then rename it there: a page loading
  // while a build runs (two test files building at once) sees the old file
  // or the new one, never half of one.
  for (const file of result.outputFiles) {
    const temporary = `${file.path}.${process.pid}.tmp`;
    await writeFile(temporary, file.contents);
    await rename(temporary, file.path);
  }
  return result.outputFiles.map((file) => file.path);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const started = Date.now();
  const files = await buildWeb();
  console.log(`built ${files.map((file) => basename(file)).join(', ')} into web/dist/ in ${Date.now() - started} ms`);
}
