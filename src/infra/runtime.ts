import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Where `npm start` keeps its state (Temporal, the database, mail, logs) between runs. */
export const dataDir = () => path.resolve(process.env.DATA_DIR ?? path.join(__dirname, '../../.data'));

/** What a running `npm start` tells other commands (`npm run seed`) about where things are. */
export interface RuntimeInfo {
  apiUrl: string;
  sandboxUrl: string | null;
  mongodbUri: string;
  temporalAddress: string;
  pid: number;
  /** The pids of `npm start`'s children by name (they change when one is restarted). */
  processes?: Record<string, number | undefined>;
}

const file = () => path.join(dataDir(), 'runtime.json');

export function writeRuntime(info: RuntimeInfo): void {
  mkdirSync(dataDir(), { recursive: true });
  writeFileSync(file(), JSON.stringify(info, null, 2));
}

export function readRuntime(): RuntimeInfo | undefined {
  if (!existsSync(file())) return undefined;
  const info = JSON.parse(readFileSync(file(), 'utf8')) as RuntimeInfo;
  try {
    process.kill(info.pid, 0); // still running?
    return info;
  } catch {
    return undefined;
  }
}
