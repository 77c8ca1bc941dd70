import { InboundCheckpoint } from '../../db/models/inbox';

/*
 * The reconcile sweep's checkpoints, one per number: platform-wide by design (the sweep goes over
 * every connected number, and a shared number's texts belong to whoever held it when they came).
 */

/** Up to when the number's inbound texts are known to be stored here; undefined before the first run. */
export async function inboundCheckpointOf(numberId: string): Promise<Date | undefined> {
  return (await InboundCheckpoint.findById(numberId).lean<{ until: Date }>())?.until;
}

/** Only forward: a run that started earlier and finished later must not move it back. */
export async function advanceInboundCheckpoint(numberId: string, until: Date): Promise<void> {
  await InboundCheckpoint.updateOne({ _id: numberId }, { $max: { until } }, { upsert: true });
}
