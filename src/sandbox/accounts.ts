import type { RequestHandler } from 'express';
import type { Account } from './types';
import { TwilioApiError } from './rest/errors';

/** The platform's account when none is configured; documented in the README of the sandbox. */
export const DEFAULT_ACCOUNT: Account = {
  accountSid: 'AC00000000000000000000000000000000',
  authToken: 'sandbox-auth-token',
};

export class Accounts {
  private readonly bySid = new Map<string, Account>();

  constructor(accounts: Account[]) {
    for (const a of accounts.length ? accounts : [DEFAULT_ACCOUNT]) this.add(a);
  }

  add(account: Account): Account {
    if (!/^AC[0-9a-zA-Z]{32}$/.test(account.accountSid)) throw new Error(`account SID must be AC + 32 characters: ${account.accountSid}`);
    this.bySid.set(account.accountSid, { ...account });
    return account;
  }

  get(accountSid: string): Account | undefined {
    return this.bySid.get(accountSid);
  }

  tokenOf(accountSid: string): string {
    const a = this.bySid.get(accountSid);
    if (!a) throw new Error(`unknown account ${accountSid}`);
    return a.authToken;
  }

  list(): Account[] {
    return [...this.bySid.values()];
  }

  get primary(): Account {
    return this.bySid.values().next().value as Account;
  }
}

const unauthenticated = () => new TwilioApiError(401, 20003, 'Authenticate');

/**
 * Basic auth as Twilio does it: the user is the account SID (the one in the path, for the
 * 2010-04-01 API; the v1 APIs have none), the password its token. Puts the account on `res.locals.account`.
 */
export function requireAccount(accounts: Accounts): RequestHandler {
  return (req, res, next) => {
    const header = req.headers.authorization ?? '';
    const [scheme, encoded] = header.split(' ');
    if (scheme !== 'Basic' || !encoded) return next(unauthenticated());
    const decoded = Buffer.from(encoded, 'base64').toString('utf-8');
    const colon = decoded.indexOf(':');
    const sid = decoded.slice(0, colon);
    const account = accounts.get(sid);
    if (colon < 0 || !account || account.authToken !== decoded.slice(colon + 1) || (req.params.AccountSid !== undefined && req.params.AccountSid !== sid)) {
      return next(unauthenticated());
    }
    res.locals.account = account;
    next();
  };
}
