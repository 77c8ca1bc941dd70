import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { startMongo, startTemporal, type RunningServer } from '../../src/infra/servers';
import { connectDatabase, disconnectDatabase } from '../../src/db/connect';

/*
 * Mocha global fixtures: the real servers every integration test talks to, started once for the
 * run on free loopback ports in a temp folder, and stopped at the end (also when tests fail; the
 * process's exit hook kills them if the run is interrupted). TEMPORAL_ADDRESS or MONGODB_URI, when
 * set, point the suite at servers you run yourself (e.g. a real mongod) and nothing is started.
 */
const started: RunningServer[] = [];
let tempDir: string | undefined;

export async function mochaGlobalSetup() {
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

export async function mochaGlobalTeardown() {
  await disconnectDatabase().catch(() => undefined);
  await Promise.all(started.map((s) => s.stop()));
  if (tempDir) rmSync(tempDir, { recursive: true, force: true });
}
