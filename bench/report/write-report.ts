// Writing a run to disk: the JSON files, and the report page with everything
// it needs beside it (chart.js's UMD build, the page script, the data), so it
// opens offline, from disk or from the workbench's /results.

import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { BenchResults } from '../result-types.ts';

const HERE = dirname(fileURLToPath(import.meta.url));

/** Write results/<date>-<commit>.json and latest.json; returns the dated file's path. */
export async function writeResultFiles(results: BenchResults, outDir: string): Promise<string> {
  await mkdir(outDir, { recursive: true });
  const json = JSON.stringify(results, null, 2) + '\n';
  const stamp = results.startedAt.slice(0, 16).replace('T', '-').replace(':', '');
  const dated = join(outDir, `${stamp}-${results.commit.slice(0, 7)}.json`);
  await writeFile(dated, json);
  await writeFile(join(outDir, 'latest.json'), json);
  return dated;
}

/** Write report.html and its files into `outDir`; returns the page's path. */
export async function writeReport(results: BenchResults, outDir: string): Promise<string> {
  await mkdir(outDir, { recursive: true });
  await copyFile(join(HERE, 'report.html'), join(outDir, 'report.html'));
  await copyFile(join(HERE, 'report.css'), join(outDir, 'report.css'));
  await copyFile(chartJsUmdFile(), join(outDir, 'chart.umd.min.js'));
  // A script, not JSON: a page opened from disk (file://) may not fetch files, but it may load scripts.
  await writeFile(join(outDir, 'report-data.js'), `window.benchResults = ${JSON.stringify(results)};\n`);
  await build({
    entryPoints: [join(HERE, 'report-page.ts')],
    bundle: true,
    format: 'iife',
    target: 'es2020',
    outfile: join(outDir, 'report.js'),
    logLevel: 'error',
  });
  return join(outDir, 'report.html');
}

/** chart.js's exports map hides dist/chart.umd.min.js: find its main file and look beside it. */
function chartJsUmdFile(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('chart.js')), 'chart.umd.min.js');
}
