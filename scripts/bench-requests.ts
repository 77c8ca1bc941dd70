/**
 * How long a custom-number request takes from support's approval to the requester's email (the
 * number bought at the sandbox, linked, connected, mailed), on the test stack (test/support/stack.ts):
 *   npx tsx scripts/bench-requests.ts [--requests 10]
 * The figure the approval tests (test/requests-approval.test.ts) used to bound (< 5 s); a bound on a
 * shared machine belongs here.
 */
import { issueApiKey } from '../src/workspaces/store';
import { call, createTestWorkspace, startStack } from '../test/support/stack';
import { stopServers } from '../test/support/global-servers';
import { eventually } from '../test/support/eventually';
import { arg, percentile, runBench } from './bench-stack';

async function main() {
  const requests = Number(arg('requests', '10'));
  const stack = await startStack({ env: { NUMBER_REQUESTS_OPEN_LIMIT: String(requests + 1) } });
  try {
    const support = (await issueApiKey({ role: 'support', email: 'support@bench.test' })).secret;
    const ms: number[] = [];
    for (let i = 0; i < requests; i++) {
      const ws = await createTestWorkspace();
      const asked = await call(stack.url, 'POST', `/v1/workspaces/${ws.id}/sms/number-requests`, { key: ws.admin, body: { country: 'US', type: 'local' } });
      if (asked.status !== 202) throw new Error(`request refused: ${JSON.stringify(asked.body)}`);
      const id: string = asked.body.id;
      const approvedAt = performance.now();
      const approved = await call(stack.url, 'POST', `/v1/support/number-requests/${id}/approve`, { key: support, body: {} });
      if (approved.status !== 200) throw new Error(`approval refused: ${JSON.stringify(approved.body)}`);
      await eventually(`the email about ${id}`, () => stack.smtp.mails.some((m) => (m.messageId ?? '').includes(`${id}.completed`)), 60_000, 5);
      ms.push(performance.now() - approvedAt);
    }
    ms.sort((a, b) => a - b);
    const round = (n: number) => Math.round(n);
    console.log(JSON.stringify({ requests, approvalToEmailMs: { p50: round(percentile(ms, 50)), p90: round(percentile(ms, 90)), max: round(ms.at(-1)!) } }));
  } finally {
    await stack.stop();
    await stopServers();
  }
}

runBench(main);
