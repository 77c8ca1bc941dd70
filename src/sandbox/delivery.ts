import http from 'node:http';
import https from 'node:https';
import { signTwilioRequest } from './signature';

export interface Timeouts {
  connectTimeoutMs: number;
  readTimeoutMs: number;
}

/** Twilio's own limits when the URL sets none: 5 s to connect, 15 s for the answer. */
export const DEFAULT_TIMEOUTS: Timeouts = { connectTimeoutMs: 5000, readTimeoutMs: 15000 };

export type PostOutcome =
  | { kind: 'response'; status: number; body: string }
  /** `connect`: never reached the server; `read`: sent, no answer in time; `network`: reset etc. */
  | { kind: 'connect' | 'read' | 'network'; error: string };

const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };
const MAX_BODY = 64 * 1024;

/** POSTs a form signed as Twilio signs it, with the connect and read deadlines kept apart. */
export function postSignedForm(
  url: string,
  params: Record<string, string>,
  authToken: string,
  timeouts: Timeouts = DEFAULT_TIMEOUTS,
): Promise<PostOutcome> {
  const payload = new URLSearchParams(params).toString();
  const signature = signTwilioRequest(authToken, url, params);
  return new Promise((resolve) => {
    let settled = false;
    let connected = false;
    const done = (o: PostOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(o);
    };
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return done({ kind: 'connect', error: `invalid URL ${url}` });
    }
    const secure = parsed.protocol === 'https:';
    const req = (secure ? https : http).request(parsed, {
      method: 'POST',
      agent: secure ? agents.https : agents.http,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'content-length': Buffer.byteLength(payload),
        'x-twilio-signature': signature,
        'user-agent': 'TwilioProxy/1.1',
      },
    });
    let timer = setTimeout(() => req.destroy(new Error('connect timeout')), timeouts.connectTimeoutMs);
    const onConnected = () => {
      connected = true;
      clearTimeout(timer);
      timer = setTimeout(() => req.destroy(new Error('read timeout')), timeouts.readTimeoutMs);
    };
    req.on('socket', (socket) => {
      if (socket.connecting) socket.once('connect', onConnected);
      else onConnected();
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size <= MAX_BODY) chunks.push(c);
      });
      res.on('end', () => done({ kind: 'response', status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf-8') }));
      res.on('error', (e) => done({ kind: 'network', error: e.message }));
    });
    req.on('error', (e) => {
      const kind = !connected ? 'connect' : e.message === 'read timeout' ? 'read' : 'network';
      done({ kind, error: e.message });
    });
    req.end(payload);
  });
}
