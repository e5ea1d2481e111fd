#!/usr/bin/env node
// npm run build: dist/ in two layers.
//
// 1. tsc emits dist/ module by module, as it always did: the library entry
//    (dist/index.js), bench/engine.mjs and the tests import those files.
// 2. esbuild then bundles, over three of them, what a command loads:
//      dist/bin.js               the CLI (gdsweep)
//      dist/pool/worker.js       Piscina's worker (src/pool/pool.ts finds it beside pool.js)
//      dist/objective/mathjs.js  mathjs: only the factories src/objective/mathjs.ts uses
//    with the code they share, and what the CLI imports lazily (each
//    command; the report with vega and handlebars), in dist/chunks/. A
//    command then reads a few files instead of hundreds of modules, and
//    `validate` never loads the pool, the report or their packages.
//    The dependencies are bundled, but for canvas (a native addon) and
//    piscina (which starts its workers from its own files).
//    dist/chunks/meta.json is esbuild's account of what went where.
//
// import.meta.url: a module that reads files beside itself (templates/ and
// package.json from src/, yargs' locales) sees the URL it has unbundled:
// dist/<path>.js for src/<path>.ts, its own file for a package. Each output
// file gets the way from its own folder to dist/, so every path it builds
// stays the one it was.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const src = join(root, 'src');

const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.json')], { stdio: 'inherit' });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

/** Stands for the way from an output file's folder to dist/, filled in once the file's place is known. */
const TO_DIST = '__gdsweep_to_dist__/';
const posix = (p) => p.split(sep).join('/');

/** import.meta.url -> the module's unbundled URL, relative to the output file that holds it. */
const unbundledUrl = {
  name: 'unbundled-import-meta-url',
  setup(build) {
    build.onLoad({ filter: /\.(ts|js|mjs)$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return undefined;
      const fromSrc = relative(src, args.path);
      const unbundled = fromSrc.startsWith('..') ? relative(dist, args.path) : fromSrc.replace(/\.ts$/, '.js');
      const url = `new URL(${JSON.stringify(TO_DIST + posix(unbundled))}, import.meta.url).href`;
      return { contents: text.replaceAll('import.meta.url', url), loader: args.path.endsWith('.ts') ? 'ts' : 'js', resolveDir: dirname(args.path) };
    });
  },
};

/**
 * string-width, which yargs' help layout calls (and yargs lays its help out
 * after every command, to have it ready), makes an Intl.Segmenter and
 * Unicode-property regular expressions when it loads: about 40 ms of CPU for
 * its three copies, a quarter of validate. Each copy is wrapped: a string of
 * printable ASCII (all that gdsweep's help holds) is as wide as it is long,
 * which is what string-width answers for it (tests/build.test.ts checks
 * that); any other string goes to the copy itself, loaded at that first call.
 */
const lazyStringWidth = {
  name: 'lazy-string-width',
  setup(build) {
    build.onResolve({ filter: /^string-width$/ }, async (args) => {
      if (args.pluginData === 'real') return undefined;
      const real = await build.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: 'real' });
      if (real.errors.length > 0) return { errors: real.errors };
      return { path: real.path, namespace: 'lazy-string-width' };
    });
    build.onLoad({ filter: /.*/, namespace: 'lazy-string-width' }, (args) => ({
      resolveDir: dirname(args.path),
      // esbuild turns require() of a bundled ES module into its lazy initialiser.
      contents: [
        'let real;',
        'export default function stringWidth(string, options) {',
        "  if (typeof string === 'string' && /^[\\x20-\\x7e]*$/.test(string)) return string.length;",
        `  real ??= require(${JSON.stringify(args.path)}).default;`,
        '  return real(string, options);',
        '}',
      ].join('\n'),
    }));
  },
};

const result = await esbuild.build({
  absWorkingDir: root,
  entryPoints: {
    bin: 'src/bin.ts',
    'pool/worker': 'src/pool/worker.ts',
    'objective/mathjs': 'src/objective/mathjs.ts',
  },
  outdir: 'dist',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['canvas', 'piscina'],
  // CommonJS packages (handlebars) call require(), which ES modules lack.
  banner: { js: "import { createRequire as __gdsweepCreateRequire } from 'node:module';\nconst require = __gdsweepCreateRequire(import.meta.url);" },
  sourcemap: 'linked',
  sourcesContent: false,
  logLevel: 'warning',
  metafile: true,
  write: false,
  plugins: [unbundledUrl, lazyStringWidth],
});

rmSync(join(dist, 'chunks'), { recursive: true, force: true });
for (const file of result.outputFiles) {
  let text = file.text;
  if (file.path.endsWith('.js')) {
    const toDist = posix(relative(dirname(file.path), dist));
    text = text.replaceAll(TO_DIST, toDist === '' ? './' : `${toDist}/`);
  }
  mkdirSync(dirname(file.path), { recursive: true });
  writeFileSync(file.path, text);
}
writeFileSync(join(dist, 'chunks', 'meta.json'), JSON.stringify(result.metafile));
