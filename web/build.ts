// Bundle the browser client: one script per page, from web/pages/ into
// web/dist/ (which git ignores). `npm start` runs it first (prestart), and the
// browser tests call buildWeb() before they open a page. `npm run lesson`
// calls it too, with `replace` to build a page around a student's module.
//
//   node --import tsx web/build.ts

import { mkdir, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';

const WEB_FOLDER = dirname(fileURLToPath(import.meta.url));
export const DIST_FOLDER = join(WEB_FOLDER, 'dist');
const PAGES = ['chat', 'compare', 'stats'];

export interface BuildOptions {
  /** Where to write the scripts (web/dist/ by default). */
  outdir?: string;
  /** Modules to swap: absolute path of a web/ module -> absolute path of the file bundled in its place. */
  replace?: Record<string, string>;
}

/** Build every page's script; resolves with the files written. */
export async function buildWeb({ outdir = DIST_FOLDER, replace = {} }: BuildOptions = {}): Promise<string[]> {
  const result = await build({
    entryPoints: PAGES.map((page) => join(WEB_FOLDER, 'pages', `${page}.ts`)),
    outdir,
    plugins: [replaceModules(replace)],
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
  await mkdir(outdir, { recursive: true });
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

/** Bundle another file wherever one of `replace`'s modules is imported. */
function replaceModules(replace: Record<string, string>): Plugin {
  const swaps = new Map(Object.entries(replace).map(([module, file]) => [resolve(module), resolve(file)]));
  return {
    name: 'replace-modules',
    setup(bundler) {
      if (swaps.size === 0) return;
      bundler.onResolve({ filter: /^\./ }, ({ path, resolveDir }) => {
        const swapped = swaps.get(resolve(resolveDir, path));
        return swapped ? { path: swapped } : undefined;
      });
    },
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const started = Date.now();
  const files = await buildWeb();
  console.log(`built ${files.map((file) => basename(file)).join(', ')} into web/dist/ in ${Date.now() - started} ms`);
}
