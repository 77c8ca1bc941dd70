import type { Client } from '@temporalio/client';
import type { Config } from './config';
import type { Logger } from './log';
import type { ProviderDirectory } from './provider/directory';

/** What the API's handlers need from the outside world, composed once by the server. */
export interface Services {
  config: Config;
  log: Logger;
  temporal: Client;
  providers: ProviderDirectory;
}
