import { ProviderError, describeDeliveryError } from '../provider';
import { fromProviderStatus, recordProviderStatus } from './status';
import type { SendDeps } from './send';
import { senderNumber } from './senderState';
import { unfinishedByIds } from './store';

/**
 * Messages that left a while ago and still have no final status: asked for at the provider, once.
 * One read for all of them, then one provider fetch and one conditional update per unfinished one.
 */
export async function askFinalStatus(deps: SendDeps, messageIds: string[]): Promise<number> {
  const unfinished = await unfinishedByIds(messageIds);
  let updated = 0;
  for (const m of unfinished) {
    if (!m.providerSid || !m.senderNumberId) continue;
    const number = await senderNumber(m.senderNumberId);
    const handle = number && (await deps.providers.forAccount(number.accountSid));
    if (!handle) continue;
    try {
      const p = await handle.provider.fetchMessage(m.providerSid);
      const status = fromProviderStatus(p.status);
      const code = p.errorCode ? String(p.errorCode) : undefined;
      if (status && (await recordProviderStatus(m._id, { sid: m.providerSid, from: m.from }, { status, ...(code && { errorCode: code, errorMessage: describeDeliveryError(code) }) }))) updated++;
    } catch (err) {
      // Asked once: a provider that cannot say leaves the message at its last known status.
      if (!(err instanceof ProviderError)) throw err;
    }
  }
  return updated;
}
