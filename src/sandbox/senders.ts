import { newSid } from './ids';

/**
 * Alphanumeric sender IDs, as Twilio keeps them: on a Messaging Service of the account
 * (`/v1/Services/{MG}/AlphaSenders`). A registered ID may be the `From` of a message from that
 * account; nobody can text one back.
 */

export interface MessagingService {
  sid: string;
  accountSid: string;
  friendlyName: string;
  dateCreated: number;
  dateUpdated: number;
}

export interface AlphaSender {
  sid: string;
  accountSid: string;
  serviceSid: string;
  alphaSender: string;
  dateCreated: number;
  dateUpdated: number;
}

/** Twilio's rule: 1–11 characters of A–Z, a–z, 0–9 and space, at least one letter. */
export const ALPHA_SENDER = /^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$/;

export class SenderIds {
  private readonly services = new Map<string, MessagingService>();
  private readonly senders = new Map<string, AlphaSender>();

  addService(accountSid: string, friendlyName: string): MessagingService {
    const now = Date.now();
    const service = { sid: newSid('MG'), accountSid, friendlyName, dateCreated: now, dateUpdated: now };
    this.services.set(service.sid, service);
    return service;
  }

  service(accountSid: string, sid: string): MessagingService | undefined {
    const s = this.services.get(sid);
    return s && s.accountSid === accountSid ? s : undefined;
  }

  listServices(accountSid: string): MessagingService[] {
    return [...this.services.values()].filter((s) => s.accountSid === accountSid);
  }

  /** Undefined when the service already has this sender ID. */
  addAlpha(service: MessagingService, alphaSender: string): AlphaSender | undefined {
    if (this.listAlpha(service.sid).some((a) => a.alphaSender === alphaSender)) return undefined;
    const now = Date.now();
    const sender = { sid: newSid('AI'), accountSid: service.accountSid, serviceSid: service.sid, alphaSender, dateCreated: now, dateUpdated: now };
    this.senders.set(sender.sid, sender);
    return sender;
  }

  listAlpha(serviceSid: string): AlphaSender[] {
    return [...this.senders.values()].filter((a) => a.serviceSid === serviceSid);
  }

  removeAlpha(serviceSid: string, sid: string): boolean {
    const a = this.senders.get(sid);
    if (!a || a.serviceSid !== serviceSid) return false;
    return this.senders.delete(sid);
  }

  /** May this account send From this sender ID? */
  isRegistered(accountSid: string, alphaSender: string): boolean {
    for (const a of this.senders.values()) if (a.accountSid === accountSid && a.alphaSender === alphaSender) return true;
    return false;
  }
}
