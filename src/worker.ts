import { NativeConnection, Worker, bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { loadConfigOrExit, type Config } from './config';
import { createLogger } from './log';
import { connectDatabase, disconnectDatabase } from './db/connect';
import { createActivities } from './activities';
import { createProviderDirectory } from './provider/directory';
import { createMailer } from './mail/mailer';

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/** The workflow bundle, built once per process (webpack takes seconds). */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath: require.resolve('./workflows'), logger: quietBundlerLogger });
  return bundle;
}

const quietBundlerLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string) => console.warn(message),
  error: (message: string) => console.error(message),
};

/** Creates a worker on the configured task queue with the real activities. */
export async function createWorker(config: Config): Promise<{ worker: Worker; connection: NativeConnection }> {
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const log = createLogger(config.LOG_LEVEL, 'worker');
  const mailer = createMailer(config.SMTP_URL, config.MAIL_FROM);
  const worker = await Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    workflowBundle: await workflowBundle(),
    // Each sending number's batch waits for its pace slots inside its activity (seconds, see
    // BATCH_HORIZON_MS): across many numbers, more than the default 100 run at once.
    maxConcurrentActivityTaskExecutions: 400,
    // A batch learns that sending was turned off from its heartbeat's answer: within a second.
    maxHeartbeatThrottleInterval: '1 second',
    activities: createActivities({ config, log, providers: createProviderDirectory(config), mailer }),
  });
  return { worker, connection };
}

async function main() {
  const config = loadConfigOrExit();
  const log = createLogger(config.LOG_LEVEL, 'worker');
  await connectDatabase(config.MONGODB_URI);
  const { worker, connection } = await createWorker(config);
  log.info({ taskQueue: config.TEMPORAL_TASK_QUEUE }, 'worker running');
  // Worker.run() handles SIGINT/SIGTERM itself: it drains, then resolves.
  await worker.run();
  await connection.close();
  await disconnectDatabase();
  log.info('worker stopped');
}

if (require.main === module) {
  main().catch((err) => {
    console.error('worker failed:', err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
