import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createTestWorkspace, startStack, type Stack } from './support/stack';
import { connectNumber, sharedNumber } from './support/inbound';

const run = promisify(execFile);
/** Generated cases per operation: with ~35 operations and the coverage phase, a few thousand requests. */
const MAX_EXAMPLES = 15;

/**
 * Schemathesis (pinned, installed from PyPI by scripts/schemathesis.sh into the tools cache) fuzzes
 * the running API from /openapi.json: no 5xx, and no answer that contradicts the document (status,
 * content type, body schema), and schema-invalid requests refused. Skipped, with the reason, where
 * python3 cannot install it.
 */
describe('Fuzzing the API from its OpenAPI document (schemathesis)', function () {
  this.timeout(15 * 60_000);
  let stack: Stack;
  let st: string | undefined;
  let dir: string;

  before(async function () {
    try {
      const { stdout } = await run('bash', [path.join(__dirname, '../scripts/schemathesis.sh')], { timeout: 10 * 60_000, maxBuffer: 1 << 20 });
      st = stdout.trim().split('\n').pop();
    } catch (err) {
      console.warn(`    schemathesis could not be installed, so the API is not fuzzed: ${(err as { stderr?: string }).stderr?.trim() || (err as Error).message}`);
      this.skip();
    }
    // The abuse limits would answer the fuzzer's thousands of requests with 429s (tested elsewhere).
    stack = await startStack({ env: { WEBHOOK_HEALTH_INTERVAL_SECONDS: '0', AUTH_FAILURE_LIMIT: '0', RATE_LIMIT_PER_KEY: '0', RATE_LIMIT_PER_ADDRESS: '0', WEBCHAT_RATE_LIMIT: '100000' } });
    dir = mkdtempSync(path.join(tmpdir(), 'sms-channel-fuzz-'));
  });
  after(async () => {
    await stack?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('then no request gets a 5xx or an answer the document does not allow', async () => {
    const ws = await createTestWorkspace();
    const number = await sharedNumber(stack);
    await connectNumber(stack, ws, number.id);
    // The workspace in every path is the key's own, so that requests get past authorization.
    const config = path.join(dir, 'schemathesis.toml');
    writeFileSync(config, `[parameters]\n"path.ws" = "${ws.id}"\n`);
    const args = [
      '--config-file', config,
      'run', `${stack.url}/openapi.json`,
      '--url', stack.url,
      '-H', `Authorization: Bearer ${ws.admin}`,
      '--checks', 'not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,negative_data_rejection',
      '--phases', 'examples,coverage,fuzzing',
      '--max-examples', String(MAX_EXAMPLES),
      // One worker: CPython 3.11's ast.parse is not thread-safe (hypothesis uses it to describe filters).
      '--workers', '1',
      '--seed', '1',
      '--no-color',
    ];
    // In the temp folder: schemathesis keeps a cache in its working directory.
    const child = spawn(st!, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.equal(code, 0, `schemathesis found failures:\n${output.length > 20_000 ? `…${output.slice(-20_000)}` : output}`);
    const cases = /(\d+) generated, (\d+) passed/.exec(output);
    assert.ok(cases, output.slice(-3000));
    console.log(`      schemathesis: ${cases[1]} cases generated, ${cases[2]} passed`);
    assert.ok(Number(cases[1]) >= 1000, 'a few thousand requests, not a handful');
    assert.equal(cases[1], cases[2]);
  });
});
