import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { call } from './support/stack';
import { startPlatform, type Platform } from './support/platform';
import { eventually, randomRecipient } from './outbound.support';

const OUTBOUND = 24;
const INBOUND = 24;
const RECIPIENTS = 4;
const HANDSETS = 4;
/** Kill -9 in turn, during the burst; `npm start`'s supervisor brings each back. */
const VICTIMS = ['worker', 'api', 'temporal', 'database'] as const;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The whole platform as `npm start` runs it (its own Temporal and database), a burst of outbound
 * sends and inbound texts, and kill -9 of the worker, the API, Temporal and the database in turn.
 * Judged at the carrier's ground truth and in the API: 0 lost, 0 duplicated, every thread whole.
 */
describe('Chaos: processes killed during a burst', function () {
  this.timeout(6 * 60_000);
  let platform: Platform;
  let apiUrl: string;
  let sandboxUrl: string;
  let ws: string;
  let keys: { admin: string; agent: string };

  before(async () => {
    platform = await startPlatform('chaos', { INBOUND_RECONCILE_INTERVAL_SECONDS: '5', RATE_LIMIT_PER_KEY: '0', RATE_LIMIT_PER_ADDRESS: '0' });
    ({ apiUrl, sandboxUrl, workspaceId: ws, keys } = platform.seed);
  });

  after(async () => platform?.stop());

  /** A client that keeps trying with the same Idempotency-Key until the API accepts (as the README asks). */
  async function sendUntilAccepted(to: string, body: string, key: string): Promise<string> {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const res = await call(apiUrl, 'POST', `/v1/workspaces/${ws}/messages`, {
        key: keys.agent,
        body: { channel: 'sms', to, body },
        headers: { 'idempotency-key': key },
      }).catch(() => undefined);
      if (res?.status === 202) return res.body.id;
      if (res && res.status < 500 && res.status !== 429) throw new Error(`send refused: ${res.status} ${JSON.stringify(res.body)}`);
      if (Date.now() > deadline) throw new Error(`send ${key} not accepted within 120 s`);
      await sleep(300);
    }
  }

  /** A handset texts us; the carrier's answer does not matter (down is fine: reconciliation reads it back). */
  async function text(from: string, to: string, body: string): Promise<void> {
    const res = await call(sandboxUrl, 'POST', '/sandbox/inbound', { body: { from, to, body } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
  }

  it('then nothing sent is lost or sent twice, and every inbound text is in its thread once and in order', async () => {
    // A toll-free number of the pool: 3 segments a second at the carrier.
    const numbers = await call(apiUrl, 'GET', `/v1/workspaces/${ws}/sms/numbers`, { key: keys.admin });
    const number = numbers.body.data.find((n: { type: string }) => n.type === 'toll_free') ?? numbers.body.data[0];
    const connected = await call(apiUrl, 'PUT', `/v1/workspaces/${ws}/sms`, { key: keys.admin, body: { numberId: number.id } });
    assert.equal(connected.status, 200, JSON.stringify(connected.body));

    const run = randomBytes(3).toString('hex');
    const recipients = Array.from({ length: RECIPIENTS }, () => randomRecipient());
    const handsets = Array.from({ length: HANDSETS }, () => randomRecipient('646'));
    const sends: Array<Promise<string>> = [];
    const texts: Array<{ from: string; body: string }> = [];
    const kills: string[] = [];
    const rounds = Math.max(OUTBOUND, INBOUND);
    const killEvery = Math.floor(rounds / VICTIMS.length);
    for (let i = 0; i < rounds; i++) {
      if (i % killEvery === 2 && kills.length < VICTIMS.length) {
        const victim = VICTIMS[kills.length];
        process.kill(platform.pidOf(victim)!, 'SIGKILL');
        kills.push(victim);
      }
      if (i < OUTBOUND) sends.push(sendUntilAccepted(recipients[i % RECIPIENTS], `out ${run} ${i}`, `chaos-${run}-${i}`));
      if (i < INBOUND) {
        const t = { from: handsets[i % HANDSETS], body: `in ${run} ${i}` };
        texts.push(t);
        // In order per handset: each text waits for the carrier's answer to the one before.
        await text(t.from, number.e164, t.body);
      }
      await sleep(500);
    }
    assert.deepEqual(kills, [...VICTIMS]);
    const ids = await Promise.all(sends);
    assert.equal(new Set(ids).size, OUTBOUND, 'one message per idempotency key');

    // Outbound, at the carrier's ground truth: every message exactly once.
    const carrier = await eventually(
      'every send at the carrier',
      async () => {
        const res = await call(sandboxUrl, 'GET', `/sandbox/messages?from=${encodeURIComponent(number.e164)}`);
        const ours = (res.body.messages as Array<{ body: string; direction: string }>).filter((m) => m.direction === 'outbound-api' && m.body.startsWith(`out ${run} `));
        return ours.length >= OUTBOUND && ours;
      },
      150_000,
      1000,
    );
    const counts = new Map<string, number>();
    for (const m of carrier) counts.set(m.body, (counts.get(m.body) ?? 0) + 1);
    for (let i = 0; i < OUTBOUND; i++) assert.equal(counts.get(`out ${run} ${i}`), 1, `out ${i} sent once`);
    assert.equal(carrier.length, OUTBOUND, 'nothing sent twice');

    // Inbound, in the API: each handset's thread holds its texts once each, in the order sent.
    const conversations = await eventually(
      'every inbound text stored',
      async () => {
        const list = await call(apiUrl, 'GET', `/v1/workspaces/${ws}/conversations?channel=sms&limit=100`, { key: keys.agent });
        if (list.status !== 200) return false;
        let stored = 0;
        const threads = new Map<string, string[]>();
        for (const c of list.body.data as Array<{ id: string; contact: { address: string } }>) {
          const msgs = await call(apiUrl, 'GET', `/v1/workspaces/${ws}/conversations/${c.id}/messages?limit=100`, { key: keys.agent });
          const bodies = (msgs.body.data as Array<{ body: string; direction: string }>).filter((m) => m.direction === 'inbound' && m.body.startsWith(`in ${run} `)).map((m) => m.body);
          stored += bodies.length;
          if (bodies.length) threads.set(c.contact.address, bodies);
        }
        return stored >= INBOUND && threads;
      },
      120_000,
      1000,
    );
    for (const handset of handsets) {
      const expected = texts.filter((t) => t.from === handset).map((t) => t.body);
      assert.deepEqual(conversations.get(handset), expected, `${handset}: once each, in order`);
    }
    for (const victim of VICTIMS) assert.match(platform.output(), new RegExp(`${victim} restarted`));
    console.log(`      killed ${kills.join(', ')}; ${OUTBOUND} sends once each at the carrier, ${INBOUND} texts once each in ${HANDSETS} threads`);
  });
});
