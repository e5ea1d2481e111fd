import { readFileSync } from 'node:fs';

/** The tool version, stamped into every output so caches and merges can trust it. */
export const VERSION: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
