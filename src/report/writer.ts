import type { ResultsDocument } from '../results/format.js';

/** Placeholder until the report lands: writes nothing. */
export async function reportWriter(_dir: string, _doc: ResultsDocument): Promise<void> {}
