// Bundles the dashboard (web/src/main.ts, its CSS and uPlot's) into dist/web/, which the service
// serves at / (index.html) and /dashboard/ (the rest). `node web/build.mjs --watch` rebuilds on
// every change.
import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { argv } from 'node:process';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const web = dirname(fileURLToPath(import.meta.url));
const outdir = join(web, '..', 'dist', 'web');

/** @type {import('esbuild').BuildOptions} */
const options = {
  entryPoints: { app: join(web, 'src', 'main.ts') },
  outdir,
  bundle: true,
  format: 'esm',
  target: ['es2022', 'chrome109', 'firefox115', 'safari16'],
  minify: true,
  sourcemap: true,
  legalComments: 'linked',
  logLevel: 'warning',
};

await mkdir(outdir, { recursive: true });
for (const file of ['index.html', 'favicon.svg']) await copyFile(join(web, file), join(outdir, file));

if (argv.includes('--watch')) {
  const context = await esbuild.context({ ...options, logLevel: 'info' });
  await context.watch();
} else {
  await esbuild.build(options);
}
