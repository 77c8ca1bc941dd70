/**
 * `npm run seed`: one JSON line for the demo workspace with fresh keys (earlier keys stay valid).
 * It reaches the database of the running `npm start`, or MONGODB_URI when set.
 */
import { connectDatabase, disconnectDatabase } from './db/connect';
import { readRuntime } from './infra/runtime';
import { ensureDemoWorkspace, issueDemoKeys } from './seed';

async function main() {
  const runtime = readRuntime();
  const mongodbUri = process.env.MONGODB_URI ?? runtime?.mongodbUri;
  if (!mongodbUri) {
    console.error('npm run seed: no database to seed. Start the platform first (npm start), or set MONGODB_URI.');
    process.exit(2);
  }
  await connectDatabase(mongodbUri);
  const workspaceId = await ensureDemoWorkspace();
  const keys = await issueDemoKeys(workspaceId);
  await disconnectDatabase();
  const apiUrl = process.env.PUBLIC_URL ?? runtime?.apiUrl ?? `http://127.0.0.1:${process.env.API_PORT ?? 3000}`;
  process.stdout.write(`${JSON.stringify({ workspaceId, apiUrl, sandboxUrl: runtime?.sandboxUrl ?? process.env.SANDBOX_URL ?? null, keys })}\n`);
}

main().catch((err) => {
  console.error('npm run seed failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});
