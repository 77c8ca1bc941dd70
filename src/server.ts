import type { Server } from 'node:http';
import { loadConfigOrExit, type Config } from './config';
import { createLogger } from './log';
import { connectDatabase, disconnectDatabase } from './db/connect';
import { connectTemporal } from './temporal/client';
import { createApp } from './api/app';
import { ensureWebhookHealthSchedule } from './health/monitor';
import { ensureInboundReconcileSchedule } from './inbox/reconcileSchedule';
import type { Services } from './services';
import { createProviderDirectory } from './provider/directory';

/** Composes the API's services from configuration (also used by tests, on port 0). */
export async function startApi(config: Config): Promise<{ server: Server; url: string; services: Services; close(): Promise<void> }> {
  const log = createLogger(config.LOG_LEVEL, 'api');
  const temporal = await connectTemporal(config.TEMPORAL_ADDRESS, config.TEMPORAL_NAMESPACE);
  const services: Services = { config, log, temporal, providers: createProviderDirectory(config) };
  // The periodic webhook check's schedule: created idempotently by every replica as it starts.
  await ensureWebhookHealthSchedule(temporal, config);
  // Also runs the reconciliation now: texts whose webhooks failed while no API answered are read back.
  await ensureInboundReconcileSchedule(temporal, config);
  const app = createApp(services);
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(config.API_PORT, config.API_HOST, () => resolve(s));
  });
  // The provider's webhooks and a load balancer keep connections open to reuse them. Closing an
  // idle one first (Node's default is after 5 s) races their next request on it: "socket hang up".
  // So the API outlasts them, as a server behind a 60 s balancer must.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.API_PORT;
  return {
    server,
    url: `http://${config.API_HOST}:${port}`,
    services,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await temporal.connection.close();
    },
  };
}

async function main() {
  const config = loadConfigOrExit();
  const log = createLogger(config.LOG_LEVEL, 'api');
  await connectDatabase(config.MONGODB_URI);
  const api = await startApi(config);
  log.info({ url: api.url }, 'api listening');
  const stop = async () => {
    await api.close();
    await disconnectDatabase();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

if (require.main === module) {
  main().catch((err) => {
    console.error('api failed to start:', err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
