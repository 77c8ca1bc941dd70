import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { RuntimeInfo } from '../../src/infra/runtime';

/** What `npm start` wrote about its children (their pids) in its data folder. */
export const readRuntime = (dataDir: string) => JSON.parse(readFileSync(path.join(dataDir, 'runtime.json'), 'utf8')) as RuntimeInfo;

/** Whether a process with this pid still exists (signal 0 checks without sending anything). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
