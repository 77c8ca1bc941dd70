import { z } from 'zod';
import { mulberry32 } from './prng';
import type { NumberType, OwnedNumber } from './types';
import { TwilioApiError } from './rest/errors';

const rate = z.number().min(0).max(1);
const ERROR_CODES = { '429': 20429, '500': 20500, '502': 20502, '503': 20503 } as const;
const ERROR_MESSAGES = {
  '429': 'Too Many Requests',
  '500': 'An internal server error has occurred',
  '502': 'Bad Gateway',
  '503': 'Service Unavailable',
} as const;
export const LATENCY_ROUTES = ['create', 'fetch', 'list', 'numbers'] as const;
export type LatencyRoute = (typeof LATENCY_ROUTES)[number];

export const faultConfigSchema = z
  .object({
    /** Seeds every random decision below; the same seed replays the same sequence. */
    seed: z.number().int().default(1),
    /** Probability per Messages create of answering with that HTTP status instead. */
    errorRates: z
      .partialRecord(z.enum(['429', '500', '502', '503']), rate)
      .refine((r) => Object.values(r).reduce((a, b) => a + (b ?? 0), 0) <= 1, 'error rates must sum to at most 1')
      .optional(),
    /** Retry-After on 429 answers, in seconds. */
    retryAfterSeconds: z.number().int().min(0).default(1),
    /** Added latency on every REST route, or per route. */
    latencyMs: z.union([z.number().min(0), z.partialRecord(z.enum(LATENCY_ROUTES), z.number().min(0))]).optional(),
    /** Accept and queue the message, then drop the connection without an answer. */
    dropResponseAfterAccept: rate.optional(),
    callbacks: z
      .object({
        /** Hold each message's callbacks until its final status, then send them in a seeded random order. */
        shuffle: z.boolean().default(false),
        /** Probability that a callback is sent twice. */
        duplicate: rate.default(0),
      })
      .strict()
      .optional(),
    /** Inbound webhook deliveries failing on the carrier's side (never reaching us), counted as `status`. */
    webhookFailures: z
      .object({ rate: rate.optional(), count: z.number().int().min(0).optional(), status: z.number().int().min(400).max(599).default(500) })
      .strict()
      .optional(),
    /** Segments per second, by E.164 number or by number type (`local`, `toll_free`, `short_code`). */
    throughput: z.record(z.string(), z.number().positive()).optional(),
  })
  .strict();

export type FaultConfig = z.infer<typeof faultConfigSchema>;
export type FaultInput = z.input<typeof faultConfigSchema>;

/** The current fault scenario and its seeded random streams (one per kind, so kinds don't disturb each other). */
export class Faults {
  private config: FaultConfig = faultConfigSchema.parse({});
  private streams = new Map<string, () => number>();
  private webhookFailuresLeft = 0;

  set(input: FaultInput): FaultConfig {
    this.config = faultConfigSchema.parse(input);
    this.streams.clear();
    this.webhookFailuresLeft = this.config.webhookFailures?.count ?? 0;
    return this.config;
  }

  clear(): void {
    this.set({});
  }

  get current(): FaultConfig {
    return this.config;
  }

  private draw(kind: string): number {
    let s = this.streams.get(kind);
    if (!s) {
      let h = this.config.seed >>> 0;
      for (const ch of kind) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
      this.streams.set(kind, (s = mulberry32(h)));
    }
    return s();
  }

  /** An injected error for this Messages create, or null. */
  createError(): { error: TwilioApiError; retryAfterSeconds?: number } | null {
    const rates = this.config.errorRates;
    if (!rates) return null;
    const r = this.draw('errors');
    let acc = 0;
    for (const status of ['429', '500', '502', '503'] as const) {
      acc += rates[status] ?? 0;
      if (r < acc) {
        const error = new TwilioApiError(Number(status), ERROR_CODES[status], ERROR_MESSAGES[status]);
        return status === '429' ? { error, retryAfterSeconds: this.config.retryAfterSeconds } : { error };
      }
    }
    return null;
  }

  latency(route: LatencyRoute): number {
    const l = this.config.latencyMs;
    if (l === undefined) return 0;
    return typeof l === 'number' ? l : (l[route] ?? 0);
  }

  dropResponse(): boolean {
    const p = this.config.dropResponseAfterAccept;
    return p !== undefined && p > 0 && this.draw('drop') < p;
  }

  get shuffleCallbacks(): boolean {
    return this.config.callbacks?.shuffle ?? false;
  }

  duplicateCallback(): boolean {
    const p = this.config.callbacks?.duplicate ?? 0;
    return p > 0 && this.draw('duplicate') < p;
  }

  /** A seeded permutation of 0..n-1 (Fisher–Yates). */
  permutation(n: number): number[] {
    const order = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(this.draw('shuffle') * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    return order;
  }

  /** The status a webhook attempt fails with on the carrier's side, or null to really send it. */
  webhookFailure(): number | null {
    const w = this.config.webhookFailures;
    if (!w) return null;
    if (this.webhookFailuresLeft > 0) {
      this.webhookFailuresLeft -= 1;
      return w.status;
    }
    return w.rate !== undefined && this.draw('webhook') < w.rate ? w.status : null;
  }

  throughputOverride(number: Pick<OwnedNumber, 'phoneNumber' | 'type'>): number | undefined {
    const t = this.config.throughput;
    return t?.[number.phoneNumber] ?? t?.[number.type satisfies NumberType];
  }
}
