import express from 'express';
import type { AddressInfo } from 'node:net';
import { requireAccount } from './accounts';
import { createCarrier, type Carrier, type CarrierOptions } from './carrier';
import { controlErrorHandler, controlRouter, notFoundHandler } from './control';
import { messagesRouter } from './rest/messages';
import { numbersRouter } from './rest/numbers';
import { mediaRouter } from './media';
import { servicesRouter } from './rest/services';
import { twilioErrorHandler } from './rest/errors';

export type SandboxOptions = CarrierOptions;

export interface Sandbox {
  app: express.Express;
  carrier: Carrier;
}

/** The carrier as an Express app, not yet listening. */
export function createSandbox(options: SandboxOptions = {}): Sandbox {
  const carrier = createCarrier(options);
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  const account = express.Router({ mergeParams: true });
  account.use(requireAccount(carrier.accounts));
  account.use(express.urlencoded({ extended: false, limit: '64kb' }));
  account.use(messagesRouter(carrier));
  account.use(mediaRouter(carrier.media, carrier.faults));
  account.use(numbersRouter(carrier));
  app.use('/2010-04-01/Accounts/:AccountSid', account, twilioErrorHandler);
  app.use('/v1/Services', requireAccount(carrier.accounts), express.urlencoded({ extended: false, limit: '64kb' }), servicesRouter(carrier), twilioErrorHandler);

  app.use('/sandbox', controlRouter(carrier), controlErrorHandler);
  app.use(notFoundHandler);
  return { app, carrier };
}

export interface StartOptions extends SandboxOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
}

export interface RunningSandbox extends Sandbox {
  /** e.g. http://127.0.0.1:49152 */
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startSandbox(options: StartOptions = {}): Promise<RunningSandbox> {
  const { port = 0, host = '127.0.0.1', ...rest } = options;
  const sandbox = createSandbox(rest);
  const server = sandbox.app.listen(port, host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  server.keepAliveTimeout = 65_000;
  const actual = (server.address() as AddressInfo).port;
  return {
    ...sandbox,
    url: `http://${host}:${actual}`,
    port: actual,
    close: () =>
      new Promise<void>((resolve, reject) => {
        sandbox.carrier.close();
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
