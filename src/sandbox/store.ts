import type { SandboxMessage } from './types';

/** Every message the carrier accepted, by sid, by account (in creation order) and overall. */
export class MessageStore {
  private readonly bySid = new Map<string, SandboxMessage>();
  private readonly byAccount = new Map<string, SandboxMessage[]>();
  private readonly all: SandboxMessage[] = [];

  add(msg: SandboxMessage): SandboxMessage {
    let list = this.byAccount.get(msg.accountSid);
    if (!list) this.byAccount.set(msg.accountSid, (list = []));
    msg.accountIndex = list.length;
    list.push(msg);
    this.all.push(msg);
    this.bySid.set(msg.sid, msg);
    return msg;
  }

  get(sid: string): SandboxMessage | undefined {
    return this.bySid.get(sid);
  }

  /** The account's messages, oldest first; callers walk it backwards for Twilio's newest-first lists. */
  forAccount(accountSid: string): readonly SandboxMessage[] {
    return this.byAccount.get(accountSid) ?? [];
  }

  list(): readonly SandboxMessage[] {
    return this.all;
  }

  clear(): void {
    this.bySid.clear();
    this.byAccount.clear();
    this.all.length = 0;
  }
}
