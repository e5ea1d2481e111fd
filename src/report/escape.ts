/**
 * Escaping for every context the report writes text into. A sweep title is
 * free text from a YAML file, so it must never be able to break out of an
 * HTML attribute, a <script> block, a Markdown table or a code span.
 */

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
  '=': '&#61;',
};

/** Text for HTML element content or a quoted attribute (same set as Handlebars). */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"'`=]/g, (c) => HTML_ESCAPES[c] as string);
}

/**
 * JSON that can sit inside <script type="application/json">: as Lighthouse's
 * report generator does, `<` becomes \u003c (so neither `</script>` nor
 * `<!--` can appear) and U+2028/U+2029 are escaped (they end lines in older
 * JavaScript parsers). The result is still valid JSON with the same value.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * A library's source inlined into <script>. Minified builds may in principle
 * contain `</script` or `<!--` inside string or regex literals, which would
 * end the element early; `<\/` and `<\!--` mean the same inside those
 * literals. (The pinned builds contain neither; this keeps an upgrade safe.)
 */
export function scriptForInline(js: string): string {
  return js.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

/**
 * Plain text inside Markdown (GitHub flavoured), never at the start of a
 * line: backslash-escape what starts emphasis, links and images (`[`),
 * code, strikethrough and table cells; entity-escape HTML; fold newlines so
 * a title cannot start a new block. Parentheses, `+` or `#` mid-line are
 * inert and stay readable.
 */
export function escapeMarkdown(s: string): string {
  return s
    .replace(/[\r\n\u2028\u2029]+/g, ' ')
    .replace(/[\\`*_[\]|~]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/** A Markdown code span that holds `s` literally whatever backticks it contains. */
export function markdownCode(s: string): string {
  const text = s.replace(/[\r\n\u2028\u2029]+/g, ' ');
  const longest = Math.max(0, ...Array.from(text.matchAll(/`+/g), (m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  // A span of only "|" would still split a table cell, so pipes are escaped too.
  return `${fence}${pad}${text.replace(/\|/g, '\\|')}${pad}${fence}`;
}
