import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { escapeHtml, escapeMarkdown, jsonForScript, markdownCode, scriptForInline } from '../../src/report/escape.js';
import { writeReport } from '../../src/report/writer.js';
import { tempDir } from '../helpers/cli.js';
import { HOSTILE, seedDoc } from './helpers.js';

describe('escaping helpers', () => {
  it('escapes HTML text and attributes', () => {
    expect(escapeHtml(HOSTILE)).toBe('&lt;/script&gt;&lt;img src&#61;x onerror&#61;alert(1)&gt;');
    expect(escapeHtml(`"'&\``)).toBe('&quot;&#39;&amp;&#96;');
  });

  it('writes JSON that cannot end a <script> and still parses to the same value', () => {
    const value = { title: HOSTILE, sep: 'a\u2028b\u2029c', comment: '<!-- x -->' };
    const s = jsonForScript(value);
    expect(s).not.toMatch(/[<\u2028\u2029]/);
    expect(JSON.parse(s)).toEqual(value);
  });

  it('neutralises </script and <!-- in inlined library code, keeping string meaning', () => {
    const js = 'var a = "</script>"; var b = "<!--";';
    const safe = scriptForInline(js);
    expect(safe).not.toMatch(/<\/script|<!--/i);
    // eslint-disable-next-line no-new-func
    const f = new Function(`${safe}; return [a, b];`) as () => string[];
    expect(f()).toEqual(['</script>', '<!--']);
  });

  it('escapes Markdown so a title cannot add links, HTML, code or table cells', () => {
    expect(escapeMarkdown(HOSTILE)).toBe('&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(escapeMarkdown('[x](http://e) | *y* `z`\nnext')).toBe('\\[x\\](http://e) \\| \\*y\\* \\`z\\` next');
    expect(markdownCode('a`b')).toBe('``a`b``');
    expect(markdownCode('x|y')).toBe('`x\\|y`');
  });
});

describe('a sweep with a hostile title', () => {
  let dir: string;
  let html: string;
  let summary: string;

  beforeAll(async () => {
    const doc = seedDoc();
    doc.sweep.title = HOSTILE;
    // Names are restricted in sweep files, but render reads whatever results.json holds.
    doc.sweep.name = `seed${HOSTILE}`;
    doc.sweep.objective.builtin = HOSTILE;
    dir = tempDir('gdsweep-report-hostile-');
    await writeReport(dir, doc);
    html = readFileSync(join(dir, 'index.html'), 'utf8');
    summary = readFileSync(join(dir, 'summary.md'), 'utf8');
  });

  it('shows the title as text in the page', () => {
    // Markup outside scripts (the inlined libraries legitimately contain "<img" in strings).
    const markup = html.replace(/<script\b[^>]*>[\s\S]*?<\/script>/g, '');
    expect(markup).not.toContain('<img');
    expect(html).toContain('<h1>&lt;/script&gt;&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;</h1>');
    expect(html).toContain('<title>&lt;/script&gt;&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt; · gdsweep report</title>');
  });

  it('closes every <script> where it should: each JSON block parses', () => {
    const blocks = [...html.matchAll(/<script type="application\/json" id="([^"]+)">([\s\S]*?)<\/script>/g)];
    expect(blocks.length).toBeGreaterThan(1);
    for (const [, , body] of blocks) {
      expect(body).not.toContain('<');
      expect(() => JSON.parse(body as string)).not.toThrow();
    }
    expect(html).toContain('seed\\u003c/script>\\u003cimg');
    // Script elements open and close in pairs: nothing ended one early.
    expect(html.match(/<script\b/g)?.length).toBe(html.match(/<\/script>/g)?.length);
  });

  it('escapes the name inside the chart SVGs too', () => {
    const svgs = [...html.matchAll(/<svg[\s\S]*?<\/svg>/g)].map((m) => m[0]);
    expect(svgs.length).toBeGreaterThan(0);
    for (const svg of svgs) expect(svg).not.toMatch(/<(script|img)\b/);
    expect(svgs.join('')).toContain('seed&lt;/script&gt;');
  });

  it('keeps summary.md inert', () => {
    // Code spans show their text literally; outside them nothing may be markup.
    const prose = summary.replace(/(`+)[^`]*?\1/g, '');
    expect(prose).not.toContain('<img');
    expect(prose).not.toContain('</script>');
    expect(summary).toContain('Sweep `seed</script><img src=x onerror=alert(1)>`');
    expect(summary).toContain('## gdsweep: &lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;');
  });
});
