import type { Io } from './common.js';
import { UserError } from '../errors.js';
export async function renderCommand(dir: string, _flags: unknown, _io: Io): Promise<number> {
  throw new UserError(`${dir}: render is not available yet`);
}
