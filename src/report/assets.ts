/**
 * Files the page inlines: templates and styles from templates/, and the
 * browser builds of vega and vega-embed from node_modules. The page works
 * from disk with no network, so nothing is linked; the libraries are read
 * once per process.
 */
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** templates/ at the package root, whether running from src/ (tests) or dist/. */
export const TEMPLATES_DIR = fileURLToPath(new URL('../../templates/', import.meta.url));

export interface PageAssets {
  layout: string;
  /** Partial name (file name without .hbs) -> source. */
  partials: Record<string, string>;
  css: string;
  client: string;
  /**
   * vega (runtime and parser) and vega-embed (tooltips, one call per chart).
   * vega-lite is not shipped: the charts are compiled to Vega specs when the
   * report is written, which saves a quarter of a megabyte per page.
   */
  libraries: { name: string; source: string }[];
}

/**
 * The minified browser build that sits beside a package's resolved entry
 * point (the packages' export maps hide build/ itself). createRequire rather
 * than import.meta.resolve, which test runners do not all provide.
 */
async function browserBuild(pkg: string, file: string): Promise<string> {
  const entry = createRequire(import.meta.url).resolve(pkg);
  return readFile(join(dirname(entry), file), 'utf8');
}

let cached: Promise<PageAssets> | null = null;

async function load(): Promise<PageAssets> {
  const read = (name: string) => readFile(join(TEMPLATES_DIR, name), 'utf8');
  // Every partial in templates/partials/, by file name: a chart's section names its own.
  const partials: Record<string, string> = {};
  const names = (await readdir(join(TEMPLATES_DIR, 'partials'))).filter((f) => f.endsWith('.hbs')).sort();
  for (const f of names) partials[f.slice(0, -'.hbs'.length)] = await read(`partials/${f}`);
  return {
    layout: await read('layout.hbs'),
    partials,
    css: await read('report.css'),
    client: await read('report.js'),
    libraries: [
      { name: 'vega', source: await browserBuild('vega', 'vega.min.js') },
      { name: 'vega-embed', source: await browserBuild('vega-embed', 'vega-embed.min.js') },
    ],
  };
}

export function pageAssets(): Promise<PageAssets> {
  cached ??= load().catch((err: unknown) => {
    cached = null;
    throw err;
  });
  return cached;
}
