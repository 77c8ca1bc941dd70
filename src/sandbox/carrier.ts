import { Accounts } from './accounts';
import { StatusCallbacks, type CallbackLog } from './callbacks';
import { Faults } from './faults';
import { Handsets } from './handsets';
import { Network, type NetworkConfig } from './network';
import { Numbers, type NewNumber } from './numbers';
import { SenderIds } from './senders';
import { MessageStore } from './store';
import { MediaStore } from './media';
import type { Account, NumberType } from './types';

export interface CarrierOptions {
  /** Accounts that may use the API; default one platform account (DEFAULT_ACCOUNT). */
  accounts?: Account[];
  /** Numbers owned from the start; accountSid defaults to the first account. */
  numbers?: Array<Omit<NewNumber, 'accountSid'> & { accountSid?: string }>;
  /** Segments per second by number type (defaults: local 1, toll_free 3, short_code 100, alphanumeric 10). */
  throughput?: Partial<Record<NumberType, number>>;
  maxQueueSeconds?: number;
  delaysMs?: Partial<NetworkConfig['delaysMs']>;
  /** To-number prefixes answered 21211 at request time. */
  invalidPrefixes?: string[];
  /** To-number prefixes answered 21614 (landline) at request time. */
  landlinePrefixes?: string[];
  /** To-number prefix → 30xxx code the message ends `undelivered` with. */
  deliveryFailures?: Record<string, number>;
  /** To-number prefixes of countries where sender IDs may not send (21612); default: +1 (US, Canada). */
  alphaBlockedPrefixes?: string[];
  /** Called after each status callback attempt (for logs). */
  onCallback?: CallbackLog;
}

export const DEFAULTS = {
  // alphanumeric: 10/s (unverified; Twilio does not publish one figure for sender IDs)
  throughput: { local: 1, toll_free: 3, short_code: 100, alphanumeric: 10 } satisfies Record<NumberType, number>,
  /** About ten hours of segments, as Twilio queues. */
  maxQueueSeconds: 36000,
  delaysMs: { sent: 20, delivered: 30 },
  invalidPrefixes: ['+1555000'],
  landlinePrefixes: ['+15550100'],
  alphaBlockedPrefixes: ['+1'],
  deliveryFailures: { '+15550103': 30003, '+15550104': 30004, '+15550105': 30005, '+15550106': 30006, '+15550107': 30007 } as Record<string, number>,
};

export type Carrier = ReturnType<typeof createCarrier>;

/** The carrier's state and machinery, without HTTP. */
export function createCarrier(options: CarrierOptions = {}) {
  const accounts = new Accounts(options.accounts ?? []);
  const numbers = new Numbers();
  const senders = new SenderIds();
  const store = new MessageStore();
  const media = new MediaStore();
  const faults = new Faults();
  const callbacks = new StatusCallbacks(accounts, faults, options.onCallback ?? (() => {}));
  const config = {
    throughput: { ...DEFAULTS.throughput, ...options.throughput },
    maxQueueSeconds: options.maxQueueSeconds ?? DEFAULTS.maxQueueSeconds,
    delaysMs: { ...DEFAULTS.delaysMs, ...options.delaysMs },
    invalidPrefixes: options.invalidPrefixes ?? DEFAULTS.invalidPrefixes,
    landlinePrefixes: options.landlinePrefixes ?? DEFAULTS.landlinePrefixes,
    deliveryFailures: options.deliveryFailures ?? DEFAULTS.deliveryFailures,
    alphaBlockedPrefixes: options.alphaBlockedPrefixes ?? DEFAULTS.alphaBlockedPrefixes,
  };
  const handsets: Handsets = new Handsets({ accounts, numbers, store, media, faults, network: () => network });
  const network = new Network(config, numbers, faults, callbacks, (msg) => handsets.receive(msg));
  for (const n of options.numbers ?? []) numbers.add({ ...n, accountSid: n.accountSid ?? accounts.primary.accountSid });

  return {
    config,
    accounts,
    numbers,
    senders,
    store,
    media,
    faults,
    network,
    handsets,
    /** Status callbacks not yet posted (held back or on the wire). */
    pendingCallbacks: () => callbacks.pending,
    /** Forgets messages, queues, blocks, inboxes and faults; keeps accounts and numbers. */
    reset() {
      network.clear();
      callbacks.clear();
      store.clear();
      media.clear();
      handsets.clear();
      faults.clear();
    },
    close() {
      network.clear();
    },
  };
}
