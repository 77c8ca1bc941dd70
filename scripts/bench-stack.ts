import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { startMongo, startTemporal, type RunningServer } from '../src/infra/servers';
import { connectDatabase, disconnectDatabase } from '../src/db/connect';

/** Production refuses to start without keys for provider tokens: a throwaway one per benchmark run. */
export const benchTokenKeys = () => `bench:${randomBytes(32).toString('base64')}`;

/** `--name value` from the command line, or the fallback. */
export function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return (i >= 0 ? process.argv[i + 1] : undefined) ?? fallback;
}

export const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN);

export interface BenchServers {
  temporalAddress: string;
  mongoUri: string;
  /** The database server's process, when the bench started it (its CPU time can then be read). */
  dbPid?: number;
  /** The Temporal server's process, likewise. */
  temporalPid?: number;
  /** The database server's last lines, for when a run fails. */
  dbLog: string[];
  stop(): Promise<void>;
}

/**
 * The servers a benchmark runs against: TEMPORAL_ADDRESS / MONGODB_URI when set, otherwise a
 * Temporal dev server and a MongoDB-compatible server started
 * in a temp folder — on tmpfs when there is one and no `--disk`, since the figures are about our
 * code, not this VM's disk flushes. Connects this process to the database; `stop` undoes it all.
 */
export async function startBenchServers(name: string): Promise<BenchServers> {
  const temp = mkdtempSync(path.join(existsSync('/dev/shm') && !process.argv.includes('--disk') ? '/dev/shm' : tmpdir(), `${name}-`));
  const started: RunningServer[] = [];
  const dbLog: string[] = [];
  const stop = async () => {
    await disconnectDatabase().catch(() => undefined);
    await Promise.all(started.map((s) => s.stop()));
    rmSync(temp, { recursive: true, force: true });
  };
  try {
    let temporalAddress = process.env.TEMPORAL_ADDRESS;
    let temporalPid: number | undefined;
    if (!temporalAddress) {
      const temporal = await startTemporal({ uiPort: null });
      started.push(temporal);
      temporalAddress = temporal.address;
      temporalPid = temporal.process.child.pid;
    }
    let mongoUri = process.env.MONGODB_URI;
    let dbPid: number | undefined;
    if (!mongoUri) {
      const mongo = await startMongo({ dataDir: path.join(temp, 'mongo'), database: name.replace(/-/g, '_'), log: (line) => dbLog.push(line) });
      started.push(mongo);
      mongoUri = mongo.uri;
      dbPid = mongo.process.child.pid;
    }
    await connectDatabase(mongoUri);
    return { temporalAddress, mongoUri, dbPid, temporalPid, dbLog, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Commands the database server has answered, by name (serverStatus `metrics.commands`: MongoDB and FerretDB alike). */
export async function serverCommandCounts(): Promise<Map<string, number>> {
  const status = await mongoose.connection.db!.admin().serverStatus();
  const commands = (status.metrics?.commands ?? {}) as Record<string, { total?: number | { toNumber(): number } }>;
  return new Map(Object.entries(commands).map(([name, c]) => [name, Number(c.total ?? 0)]));
}

/** Connection upkeep and our own measuring, not the work measured. */
const UPKEEP = new Set(['serverStatus', 'hello', 'isMaster', 'ismaster', 'ping', 'endSessions', 'buildInfo', 'saslStart', 'saslContinue']);

/** Per unit of work: the commands answered between two counts, in all and the main ones by name. */
export function commandsPer(before: Map<string, number>, after: Map<string, number>, units: number) {
  const per: Array<[string, number]> = [];
  for (const [name, total] of after) {
    const delta = total - (before.get(name) ?? 0);
    if (delta > 0 && !UPKEEP.has(name)) per.push([name, delta / Math.max(1, units)]);
  }
  per.sort((a, b) => b[1] - a[1]);
  const round = (n: number) => Number(n.toFixed(2));
  return { total: round(per.reduce((sum, [, n]) => sum + n, 0)), byCommand: Object.fromEntries(per.map(([name, n]) => [name, round(n)])) };
}

/** Runs a benchmark's main: a failure prints its error and exits non-zero. */
export function runBench(main: () => Promise<void>): void {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
