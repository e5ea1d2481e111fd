/**
 * Vega-Lite spec -> Vega spec -> static SVG and a 2x PNG, headless, as
 * vega-lite's bin/render.js does: a View with renderer 'none', then toSVG()
 * and toCanvas(2) on node-canvas.
 *
 * Same machine, same bytes: the font is registered by file (DejaVu Sans) so
 * text is measured and drawn with it rather than whatever fontconfig picks,
 * SVG definition ids are reset before each chart and then prefixed with the
 * chart id (two inline SVGs must not share an id in one page), and vega's
 * warnings are collected instead of printed.
 */
import { existsSync } from 'node:fs';
import { registerFont, type Canvas } from 'canvas';
import * as vega from 'vega';
import { compile } from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';
import { throwIfInterrupted } from '../errors.js';
import { FONT_FAMILY } from './charts/common.js';
import type { ChartSpec, JsonObject } from './charts/types.js';

/** PNGs at twice the CSS pixel size, for sharp text on high-density screens and in documents. */
export const PNG_SCALE = 2;

const FONT_DIR = '/usr/share/fonts/truetype/dejavu';
const FONT_FILES: { file: string; weight: string }[] = [
  { file: 'DejaVuSans.ttf', weight: 'normal' },
  { file: 'DejaVuSans-Bold.ttf', weight: 'bold' },
];

let fontsRegistered = false;

/**
 * node-canvas needs fonts registered before the first canvas is made. Where
 * the files are missing (another OS) fontconfig's fallback is used: the
 * report still renders, only not byte-identical to a machine that has them.
 */
export function registerFonts(): void {
  if (fontsRegistered) return;
  fontsRegistered = true;
  for (const f of FONT_FILES) {
    const path = `${FONT_DIR}/${f.file}`;
    if (existsSync(path)) registerFont(path, { family: FONT_FAMILY, weight: f.weight });
  }
}

export interface RenderedChart {
  spec: ChartSpec;
  /** The compiled Vega spec, for the page's live (interactive) view. */
  vega: JsonObject;
  svg: string;
  png: Buffer;
  width: number;
  height: number;
}

export class ChartError extends Error {
  constructor(id: string, message: string) {
    super(`chart ${id}: ${message}`);
    this.name = 'ChartError';
  }
}

/** A vega logger that keeps warnings for the caller instead of writing to the console. */
function collectingLogger(warnings: string[]): vega.LoggerInterface {
  let level = vega.Warn;
  const logger: vega.LoggerInterface = {
    level(l?: number) {
      if (l === undefined) return level;
      level = l;
      return logger;
    },
    error(...args: readonly unknown[]) {
      throw new Error(args.map(String).join(' '));
    },
    warn(...args: readonly unknown[]) {
      if (level >= vega.Warn) warnings.push(args.map(String).join(' '));
      return logger;
    },
    info() {
      return logger;
    },
    debug() {
      return logger;
    },
  } as vega.LoggerInterface;
  return logger;
}

/** Give every id in an SVG (clip paths, gradients) the chart's prefix, with the references that use them. */
export function prefixSvgIds(svg: string, prefix: string): string {
  return svg
    .replace(/\bid="([^"]+)"/g, (_m, id: string) => `id="${prefix}-${id}"`)
    .replace(/url\(#([^)]+)\)/g, (_m, id: string) => `url(#${prefix}-${id})`)
    .replace(/href="#([^"]+)"/g, (_m, id: string) => `href="#${prefix}-${id}"`);
}

function svgSize(svg: string): { width: number; height: number } {
  const m = /^<svg[^>]*\swidth="([\d.]+)"[^>]*\sheight="([\d.]+)"/.exec(svg);
  return { width: Number(m?.[1] ?? 0), height: Number(m?.[2] ?? 0) };
}

export async function renderChart(spec: ChartSpec, warnings: string[] = []): Promise<RenderedChart> {
  registerFonts();
  let compiled: JsonObject;
  try {
    // The specs are plain JSON built by the charts (charts/<id>/spec.ts); vega-lite validates them as it compiles.
    compiled = compile(spec.vl as unknown as TopLevelSpec, { logger: collectingLogger(warnings) }).spec as unknown as JsonObject;
  } catch (err) {
    throw new ChartError(spec.id, `vega-lite could not compile it: ${(err as Error).message}`);
  }
  const runtime = vega.parse(compiled as unknown as vega.Spec);
  const view = new vega.View(runtime, { renderer: 'none', logger: collectingLogger(warnings) });
  try {
    await view.runAsync();
    vega.resetSVGDefIds();
    const svg = prefixSvgIds(await view.toSVG(), spec.id);
    const canvas = (await view.toCanvas(PNG_SCALE)) as unknown as Canvas;
    // zlib level 3: a third of the encoding time of the default for a few per cent more bytes.
    const png = canvas.toBuffer('image/png', { compressionLevel: 3 });
    return { spec, vega: compiled, svg, png, ...svgSize(svg) };
  } finally {
    view.finalize();
  }
}

/**
 * Charts one after another: rendering is CPU-bound and vega's SVG ids are
 * global state. An aborted `signal` stops between charts (InterruptedError).
 */
export async function renderCharts(specs: readonly ChartSpec[], warnings: string[] = [], signal?: AbortSignal): Promise<RenderedChart[]> {
  const out: RenderedChart[] = [];
  for (const s of specs) {
    throwIfInterrupted(signal);
    out.push(await renderChart(s, warnings));
  }
  return out;
}
