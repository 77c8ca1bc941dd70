import type { Accounts } from './accounts';
import type { Faults } from './faults';
import { postSignedForm } from './delivery';
import type { SandboxMessage } from './types';

const FINAL = new Set(['delivered', 'undelivered', 'failed']);

export type CallbackLog = (event: { url: string; params: Record<string, string>; outcome: string }) => void;

/**
 * Status callbacks: one signed form POST per status change (never for `queued`), with the
 * duplicate and shuffle faults applied. Failures are not retried, as with Twilio.
 */
export class StatusCallbacks {
  /** Callbacks held back until the message's final status, when shuffling. */
  private readonly held = new Map<string, Record<string, string>[]>();
  private posting = 0;

  constructor(
    private readonly accounts: Accounts,
    private readonly faults: Faults,
    private readonly log: CallbackLog,
  ) {}

  emit(msg: SandboxMessage): void {
    if (!msg.statusCallback) return;
    const params: Record<string, string> = {
      MessageSid: msg.sid,
      SmsSid: msg.sid,
      AccountSid: msg.accountSid,
      From: msg.from,
      To: msg.to,
      MessageStatus: msg.status,
      SmsStatus: msg.status,
      ApiVersion: '2010-04-01',
    };
    if (msg.errorCode !== null) params.ErrorCode = String(msg.errorCode);
    const url = msg.statusCallback;
    const token = this.accounts.tokenOf(msg.accountSid);

    if (!this.faults.shuffleCallbacks) {
      this.track(this.sendWithDuplicates(url, params, token));
      return;
    }
    const held = this.held.get(msg.sid) ?? [];
    held.push(params);
    if (!FINAL.has(msg.status)) {
      this.held.set(msg.sid, held);
      return;
    }
    this.held.delete(msg.sid);
    const order = this.faults.permutation(held.length);
    this.track(
      (async () => {
        for (const i of order) await this.sendWithDuplicates(url, held[i], token);
      })(),
    );
  }

  /** Callbacks held back or being posted (duplicates included): 0 once the carrier has told all it knows. */
  get pending(): number {
    let held = 0;
    for (const h of this.held.values()) held += h.length;
    return this.posting + held;
  }

  private track(posts: Promise<void>): void {
    this.posting++;
    void posts.finally(() => this.posting--);
  }

  clear(): void {
    this.held.clear();
  }

  private async sendWithDuplicates(url: string, params: Record<string, string>, token: string): Promise<void> {
    const times = this.faults.duplicateCallback() ? 2 : 1;
    for (let i = 0; i < times; i++) {
      const o = await postSignedForm(url, params, token);
      this.log({ url, params, outcome: o.kind === 'response' ? String(o.status) : `${o.kind}: ${o.error}` });
    }
  }
}
