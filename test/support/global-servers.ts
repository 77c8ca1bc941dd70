import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { RunningServer } from '../../src/infra/servers';

/*
 * The real servers every integration test talks to: started once for the run, on first use
 * (`useServers`, which startStack calls), on free loopback ports in a temp folder, and stopped at the
 * end by mocha's global teardown (also when tests fail; the process's exit hook kills them if the run
 * is interrupted). A file of pure tests never asks for them, so `npx mocha test/pace.test.ts` answers
 * in a second or two (what starts the servers is imported only then: loading it takes seconds too).
 * TEMPORAL_ADDRESS or MONGODB_URI, when set, point the suite at servers you run
 * yourself (e.g. a real mongod) and nothing is started.
 */
const started: RunningServer[] = [];
let tempDir: string | undefined;
let starting: Promise<void> | undefined;

/** Resolves once Temporal and the database answer and the process's mongoose connection is open. */
export function useServers(): Promise<void> {
  return (starting ??= startServers());
}

async function startServers() {
  // require, not import(): mocha loads the tests through tsx's CommonJS hook, which import() bypasses.
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded on first use, so files of pure tests load no server code */
  const { DefaultLogger, Runtime } = require('@temporalio/worker') as typeof import('@temporalio/worker');
  const { startMongo, startTemporal } = require('../../src/infra/servers') as typeof import('../../src/infra/servers');
  const { connectDatabase } = require('../../src/db/connect') as typeof import('../../src/db/connect');
  /* eslint-enable @typescript-eslint/no-require-imports */
  Runtime.install({ logger: new DefaultLogger('WARN') });
  tempDir = mkdtempSync(path.join(tmpdir(), 'sms-channel-test-'));
  const [temporal, mongo] = await Promise.all([
    process.env.TEMPORAL_ADDRESS ? undefined : startTemporal({ uiPort: null }),
    process.env.MONGODB_URI ? undefined : startMongo({ dataDir: path.join(tempDir, 'mongo'), database: 'sms_test' }),
  ]);
  if (temporal) {
    started.push(temporal);
    process.env.TEMPORAL_ADDRESS = temporal.address;
  }
  if (mongo) {
    started.push(mongo);
    process.env.MONGODB_URI = mongo.uri;
  }
  console.log(`  servers: temporal ${process.env.TEMPORAL_ADDRESS}, ${mongo ? mongo.engine : 'given'} ${process.env.MONGODB_URI}`);
  await connectDatabase(process.env.MONGODB_URI!);
}

/** Stops what useServers started (mocha's global teardown; a benchmark that borrows the stack calls it itself). */
export async function stopServers() {
  if (!starting) return;
  await starting.catch(() => undefined);
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- as above: loaded only if the servers were started
  const { disconnectDatabase } = require('../../src/db/connect') as typeof import('../../src/db/connect');
  await disconnectDatabase().catch(() => undefined);
  await Promise.all(started.map((s) => s.stop()));
  if (tempDir) rmSync(tempDir, { recursive: true, force: true });
}

export const mochaGlobalTeardown = stopServers;
