import type { NumberType, OwnedNumber } from './types';
import { newSid } from './ids';

export interface AvailableNumber {
  phoneNumber: string;
  friendlyName: string;
  country: string;
  type: 'local' | 'toll_free';
  region: string | null;
  locality: string | null;
}

/** Area codes on the shelf; each offers NUMBERS_PER_AREA_CODE numbers, the same ones every run. */
const LOCAL_AREAS: Array<{ country: string; areaCode: string; region: string; locality: string }> = [
  { country: 'US', areaCode: '212', region: 'NY', locality: 'New York' },
  { country: 'US', areaCode: '415', region: 'CA', locality: 'San Francisco' },
  { country: 'US', areaCode: '312', region: 'IL', locality: 'Chicago' },
  { country: 'US', areaCode: '512', region: 'TX', locality: 'Austin' },
  { country: 'US', areaCode: '206', region: 'WA', locality: 'Seattle' },
  { country: 'US', areaCode: '617', region: 'MA', locality: 'Boston' },
  { country: 'US', areaCode: '303', region: 'CO', locality: 'Denver' },
  { country: 'US', areaCode: '305', region: 'FL', locality: 'Miami' },
  { country: 'CA', areaCode: '416', region: 'ON', locality: 'Toronto' },
  { country: 'CA', areaCode: '604', region: 'BC', locality: 'Vancouver' },
  { country: 'CA', areaCode: '514', region: 'QC', locality: 'Montreal' },
];
const TOLL_FREE_AREAS = ['800', '833', '844', '855', '866', '877', '888'];
const NUMBERS_PER_AREA_CODE = 40;

const friendly = (e164: string) => `(${e164.slice(2, 5)}) ${e164.slice(5, 8)}-${e164.slice(8)}`;

function buildInventory(): AvailableNumber[] {
  const out: AvailableNumber[] = [];
  const lines = Array.from({ length: NUMBERS_PER_AREA_CODE }, (_, i) => String(1000 + i * 131));
  for (const a of LOCAL_AREAS) {
    for (const line of lines) {
      const phoneNumber = `+1${a.areaCode}555${line}`;
      out.push({ phoneNumber, friendlyName: friendly(phoneNumber), country: a.country, type: 'local', region: a.region, locality: a.locality });
    }
  }
  for (const ac of TOLL_FREE_AREAS) {
    for (const line of lines) {
      const phoneNumber = `+1${ac}555${line}`;
      out.push({ phoneNumber, friendlyName: friendly(phoneNumber), country: 'US', type: 'toll_free', region: null, locality: null });
    }
  }
  return out;
}

export interface SearchQuery {
  country: string;
  type: 'local' | 'toll_free';
  areaCode?: string;
  inRegion?: string;
  /** Twilio's pattern: digits, `*` for any one digit. */
  contains?: string;
  limit: number;
}

export interface NewNumber {
  accountSid: string;
  phoneNumber: string;
  type?: NumberType;
  friendlyName?: string;
  smsUrl?: string | null;
  smsFallbackUrl?: string | null;
  smsMethod?: string;
  statusCallback?: string | null;
  throughput?: number | null;
}

export type NumberPatch = Partial<Pick<OwnedNumber, 'friendlyName' | 'smsUrl' | 'smsFallbackUrl' | 'smsMethod' | 'statusCallback' | 'throughput'>>;

/** The shelf of numbers for sale and the numbers each account owns. */
export class Numbers {
  private readonly inventory = buildInventory();
  private readonly inventoryByNumber = new Map(this.inventory.map((n) => [n.phoneNumber, n]));
  private readonly byNumber = new Map<string, OwnedNumber>();
  private readonly bySid = new Map<string, OwnedNumber>();

  search(q: SearchQuery): AvailableNumber[] {
    const pattern = q.contains ? new RegExp(q.contains.replace(/[^0-9*]/g, '').replace(/\*/g, '\\d')) : null;
    const out: AvailableNumber[] = [];
    for (const n of this.inventory) {
      if (out.length >= q.limit) break;
      if (n.country !== q.country || n.type !== q.type || this.byNumber.has(n.phoneNumber)) continue;
      if (q.areaCode && n.phoneNumber.slice(2, 5) !== q.areaCode) continue;
      if (q.inRegion && n.region !== q.inRegion.toUpperCase()) continue;
      if (pattern && !pattern.test(n.phoneNumber.slice(1))) continue;
      out.push(n);
    }
    return out;
  }

  isAvailable(phoneNumber: string): boolean {
    return this.inventoryByNumber.has(phoneNumber) && !this.byNumber.has(phoneNumber);
  }

  /** Takes a number off the shelf (or registers one the shelf never had, for seeding). */
  add(n: NewNumber): OwnedNumber {
    if (this.byNumber.has(n.phoneNumber)) throw new Error(`${n.phoneNumber} is already owned`);
    const shelf = this.inventoryByNumber.get(n.phoneNumber);
    const now = Date.now();
    const owned: OwnedNumber = {
      sid: newSid('PN'),
      accountSid: n.accountSid,
      phoneNumber: n.phoneNumber,
      type: n.type ?? shelf?.type ?? 'local',
      country: shelf?.country ?? (n.phoneNumber.startsWith('+1') ? 'US' : 'ZZ'),
      region: shelf?.region ?? null,
      locality: shelf?.locality ?? null,
      friendlyName: n.friendlyName ?? (shelf?.friendlyName ?? n.phoneNumber),
      smsUrl: n.smsUrl ?? null,
      smsFallbackUrl: n.smsFallbackUrl ?? null,
      smsMethod: n.smsMethod ?? 'POST',
      statusCallback: n.statusCallback ?? null,
      throughput: n.throughput ?? null,
      fromInventory: shelf !== undefined,
      dateCreated: now,
      dateUpdated: now,
    };
    this.byNumber.set(owned.phoneNumber, owned);
    this.bySid.set(owned.sid, owned);
    return owned;
  }

  update(owned: OwnedNumber, patch: NumberPatch): OwnedNumber {
    Object.assign(owned, patch, { dateUpdated: Date.now() });
    return owned;
  }

  /** Releases a number: a shelf number becomes available again. */
  release(owned: OwnedNumber): void {
    this.byNumber.delete(owned.phoneNumber);
    this.bySid.delete(owned.sid);
  }

  bySidFor(accountSid: string, sid: string): OwnedNumber | undefined {
    const n = this.bySid.get(sid);
    return n && n.accountSid === accountSid ? n : undefined;
  }

  byPhoneNumber(phoneNumber: string): OwnedNumber | undefined {
    return this.byNumber.get(phoneNumber);
  }

  list(filter: { accountSid?: string; phoneNumber?: string; friendlyName?: string } = {}): OwnedNumber[] {
    return [...this.bySid.values()].filter(
      (n) =>
        (!filter.accountSid || n.accountSid === filter.accountSid) &&
        (!filter.phoneNumber || n.phoneNumber === filter.phoneNumber) &&
        (!filter.friendlyName || n.friendlyName === filter.friendlyName),
    );
  }
}
