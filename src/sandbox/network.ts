import type { Faults } from './faults';
import type { Numbers } from './numbers';
import type { StatusCallbacks } from './callbacks';
import type { MessageStatus, NumberType, SandboxMessage } from './types';

export interface NetworkConfig {
  /** Default segments per second by number type. */
  throughput: Record<NumberType, number>;
  /** A sender holds at most this many seconds of segments; more fails with 30001. */
  maxQueueSeconds: number;
  /** sending → sent, and sent → delivered. */
  delaysMs: { sent: number; delivered: number };
  /** To-number prefix → error code given after acceptance (the message ends `undelivered`). */
  deliveryFailures: Record<string, number>;
}

interface SenderQueue {
  phoneNumber: string;
  type: NumberType;
  items: SandboxMessage[];
  head: number;
  queuedSegments: number;
  /** Earliest time (ms) the next message may leave. */
  nextFreeAt: number;
  timer: NodeJS.Timeout | null;
}

/**
 * The phone network behind the API: a queue per sender that releases messages no faster than
 * the sender's segments per second (one timer per sender), then the status walk to the handset.
 */
export class Network {
  private readonly queues = new Map<string, SenderQueue>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly config: NetworkConfig,
    private readonly numbers: Numbers,
    private readonly faults: Faults,
    private readonly callbacks: StatusCallbacks,
    private readonly onDelivered: (msg: SandboxMessage) => void,
  ) {}

  /** Segments per second for a sender: fault override, then the number's own, then its type's. */
  rateOf(phoneNumber: string, type: NumberType): number {
    const owned = this.numbers.byPhoneNumber(phoneNumber);
    return this.faults.throughputOverride({ phoneNumber, type }) ?? owned?.throughput ?? this.config.throughput[type];
  }

  submit(msg: SandboxMessage, senderType: NumberType): void {
    let q = this.queues.get(msg.from);
    if (!q) {
      q = { phoneNumber: msg.from, type: senderType, items: [], head: 0, queuedSegments: 0, nextFreeAt: 0, timer: null };
      this.queues.set(msg.from, q);
    }
    if ((q.queuedSegments + msg.segments) / this.rateOf(q.phoneNumber, q.type) > this.config.maxQueueSeconds) {
      this.later(0, () => this.setStatus(msg, 'failed', 30001));
      return;
    }
    q.items.push(msg);
    q.queuedSegments += msg.segments;
    this.schedule(q);
  }

  /** Cancels every queue and pending transition (messages stay where they are). */
  clear(): void {
    for (const q of this.queues.values()) if (q.timer) clearTimeout(q.timer);
    this.queues.clear();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private schedule(q: SenderQueue): void {
    if (q.timer || q.head >= q.items.length) return;
    q.timer = setTimeout(() => this.tick(q), Math.max(0, q.nextFreeAt - Date.now()));
  }

  private tick(q: SenderQueue): void {
    q.timer = null;
    const now = Date.now();
    // Timers may fire a millisecond early by the wall clock; never release before the slot.
    if (now < q.nextFreeAt) return this.schedule(q);
    while (q.head < q.items.length) {
      const msg = q.items[q.head];
      q.items[q.head++] = undefined as unknown as SandboxMessage;
      q.queuedSegments -= msg.segments;
      if (now - msg.dateCreated > msg.validityMs) {
        // Expired while waiting: fails without using the sender's throughput.
        this.setStatus(msg, 'failed', 30036);
        continue;
      }
      this.release(msg, now);
      q.nextFreeAt = now + (msg.segments * 1000) / this.rateOf(q.phoneNumber, q.type);
      break;
    }
    if (q.head > 1024 && q.head * 2 > q.items.length) {
      q.items = q.items.slice(q.head);
      q.head = 0;
    }
    this.schedule(q);
  }

  private release(msg: SandboxMessage, now: number): void {
    msg.dateSent = now;
    this.setStatus(msg, 'sending');
    this.later(this.config.delaysMs.sent, () => {
      this.setStatus(msg, 'sent');
      this.later(this.config.delaysMs.delivered, () => {
        const failure = this.deliveryFailureFor(msg.to);
        if (failure !== null) return this.setStatus(msg, 'undelivered', failure);
        this.setStatus(msg, 'delivered');
        this.onDelivered(msg);
      });
    });
  }

  private deliveryFailureFor(to: string): number | null {
    for (const [prefix, code] of Object.entries(this.config.deliveryFailures)) if (to.startsWith(prefix)) return code;
    return null;
  }

  private setStatus(msg: SandboxMessage, status: MessageStatus, errorCode: number | null = null): void {
    msg.status = status;
    msg.errorCode = errorCode;
    msg.dateUpdated = Date.now();
    this.callbacks.emit(msg);
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }
}
