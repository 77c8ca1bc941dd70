import { ActivityFailure, ApplicationFailure, condition, proxyActivities, setHandler } from '@temporalio/workflow';
import type { UpdateDefinition } from '@temporalio/common';
import type { RequestActivities } from '../activities/requests';
import { approveRequest, cancelRequest, rejectRequest, requestState } from '../temporal/requests';
import {
  FAILURE_DECIDED,
  FAILURE_NOT_PROVISIONABLE,
  NOT_PROVISIONABLE_MESSAGE,
  judgeDecision,
  type Decision,
  type NumberRequestInput,
  type RequestMailKind,
  type RequestState,
} from '../requests/state';

/** Database writes: short, retried until the database answers. */
const STORE_OPTIONS = { startToCloseTimeout: '30 seconds', retry: { initialInterval: '200 milliseconds', maximumInterval: '30 seconds' } } as const;
/** Linking gives up after a few minutes of failures, so a bought number is released instead of kept forever. */
const LINK_OPTIONS = { ...STORE_OPTIONS, retry: { ...STORE_OPTIONS.retry, maximumAttempts: 8 } } as const;
/** Mail: SMTP trouble is retried with backoff for as long as it lasts. */
const MAIL_OPTIONS = { startToCloseTimeout: '1 minute', retry: { initialInterval: '300 milliseconds', backoffCoefficient: 2, maximumInterval: '5 minutes' } } as const;
/**
 * Provider calls: retried while the provider is unreachable. The heartbeat timeout finds a worker
 * that died mid-purchase within seconds; the retry then looks the number up before buying.
 */
const PROVIDER_OPTIONS = {
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '3 seconds',
  retry: { initialInterval: '500 milliseconds', maximumInterval: '1 minute' },
} as const;

const store = proxyActivities<RequestActivities>(STORE_OPTIONS);
const link = proxyActivities<RequestActivities>(LINK_OPTIONS);
const mail = proxyActivities<RequestActivities>(MAIL_OPTIONS);
const provider = proxyActivities<RequestActivities>(PROVIDER_OPTIONS);

const SYSTEM = 'system';

/**
 * One custom-number request, from the admin's ask to the number in their dropdown: waits for
 * support (reminding it, expiring when nobody acts), buys the number (never twice), links it to
 * the workspace, and mails the requester. A purchase that cannot be linked is released.
 */
export async function numberRequestWorkflow(input: NumberRequestInput): Promise<RequestState> {
  const { requestId } = input;
  const state: RequestState = { status: 'pending_approval', timeline: [input.requested] };
  // The API stored revision 1 with the request; each snapshot after it counts up.
  let revision = 1;
  let decision: { kind: Decision; phoneNumber?: string; reason?: string } | undefined;
  let reminders = 0;

  const note = (step: string, actor: string, detail?: string) => {
    state.timeline.push({ at: new Date().toISOString(), actor, step, ...(detail !== undefined && { detail }) });
  };
  const save = () => store.saveRequestState(requestId, ++revision, state);

  const validate = (kind: Decision) => (..._args: unknown[]) => {
    if (judgeDecision(state.status, kind) === 'conflict') {
      throw ApplicationFailure.create({
        type: FAILURE_DECIDED,
        message: `The request is ${state.status.replace('_', ' ')}; it can no longer be ${kind === 'approve' ? 'approved' : kind === 'reject' ? 'rejected' : 'cancelled'}.`,
        details: [{ status: state.status }],
        nonRetryable: true,
      });
    }
    if (kind === 'approve' && input.spec.type === 'alphanumeric') {
      throw ApplicationFailure.create({ type: FAILURE_NOT_PROVISIONABLE, message: NOT_PROVISIONABLE_MESSAGE, nonRetryable: true });
    }
  };
  /** An update that decides the request: refused by its validator when too late, answered as is when repeated. */
  const onDecision = <Args extends [actor: string, ...rest: any[]]>(update: UpdateDefinition<RequestState, Args>, kind: Decision, apply: (...args: NoInfer<Args>) => void) =>
    setHandler(
      update,
      (...args: Args) => {
        if (judgeDecision(state.status, kind) !== 'repeat') apply(...args);
        return state;
      },
      { validator: validate(kind) },
    );
  onDecision(approveRequest, 'approve', (actor, phoneNumber?: string) => {
    decision = { kind: 'approve', phoneNumber };
    state.status = 'provisioning';
    delete state.reason;
    note('approved', actor, phoneNumber ? `Approved with ${phoneNumber}.` : 'Approved: the first available matching number.');
  });
  onDecision(rejectRequest, 'reject', (actor, reason) => {
    decision = { kind: 'reject', reason };
    state.status = 'rejected';
    state.reason = reason;
    note('rejected', actor, reason);
  });
  onDecision(cancelRequest, 'cancel', (actor) => {
    decision = { kind: 'cancel' };
    state.status = 'cancelled';
    note('cancelled', actor);
  });
  setHandler(requestState, () => state);

  /** Waits for support: reminders after the delay and at intervals; false when the request expired first. */
  const awaitDecision = async (): Promise<boolean> => {
    const { reminderDelaySeconds, reminderIntervalSeconds, expirySeconds } = input.durations;
    const expiresAt = Date.now() + expirySeconds * 1000;
    let nextReminderAt = Date.now() + reminderDelaySeconds * 1000;
    while (decision === undefined) {
      const now = Date.now();
      if (now >= expiresAt) return false;
      if (now >= nextReminderAt) {
        reminders += 1;
        note('support_reminded', SYSTEM, `Reminder ${reminders} mailed to support.`);
        await save();
        const outcome = await sendMail(`reminder-${reminders}`);
        if (typeof outcome === 'string') {
          note('mail_refused', SYSTEM, outcome);
          await save();
        }
        nextReminderAt += reminderIntervalSeconds * 1000;
        continue;
      }
      await condition(() => decision !== undefined, Math.max(1, Math.min(nextReminderAt, expiresAt) - now));
    }
    return true;
  };

  for (;;) {
    if (!(await awaitDecision())) {
      state.status = 'expired';
      state.reason = 'Support did not decide in time.';
      note('expired', SYSTEM, state.reason);
      await save();
      await notifyRequester('expired');
      return state;
    }
    await save();
    const { kind, phoneNumber } = decision!;
    if (kind === 'cancel') return state;
    if (kind === 'reject') {
      await notifyRequester('rejected');
      return state;
    }

    const bought = await buy(phoneNumber);
    if (bought.outcome === 'unavailable') {
      // Back to support with the reason; it may approve another number or reject.
      decision = undefined;
      state.status = 'pending_approval';
      state.reason = bought.reason;
      note('returned_to_support', SYSTEM, bought.reason);
      await save();
      continue;
    }
    note('number_bought', SYSTEM, `${bought.e164} bought at the provider${bought.tried.length > 1 ? ` (taken meanwhile: ${bought.tried.slice(0, -1).join(', ')})` : ''}.`);
    state.e164 = bought.e164;
    await save();

    let linked;
    try {
      linked = await link.linkNumber({ requestId, workspaceId: input.workspaceId, e164: bought.e164, providerSid: bought.providerSid, spec: input.spec });
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
      await compensate(bought.providerSid, bought.e164, failureMessage(err));
      return state;
    }
    state.status = 'completed';
    state.numberId = linked.numberId;
    note('linked', SYSTEM, linked.connected ? `${bought.e164} connected to the SMS channel.` : `${bought.e164} added to the Number dropdown; an admin can choose it.`);
    await save();
    await notifyRequester('completed');
    return state;
  }

  async function buy(phoneNumber: string | undefined) {
    try {
      return await provider.provisionNumber({ requestId, spec: input.spec, phoneNumber });
    } catch (err) {
      // A refusal (wrong account, region not enabled…): nothing was bought, support must look at it.
      if (err instanceof ActivityFailure) return { outcome: 'unavailable' as const, reason: failureMessage(err) };
      throw err;
    }
  }

  async function compensate(providerSid: string, e164: string, why: string) {
    note('link_failed', SYSTEM, why);
    let released = true;
    try {
      await store.releaseProvisionedNumber({ requestId, providerSid });
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
      released = false;
      note('release_failed', SYSTEM, failureMessage(err));
    }
    state.status = 'failed';
    state.reason = released
      ? `${e164} was bought but could not be linked to the workspace (${why}); it was released at the provider.`
      : `${e164} was bought but could not be linked (${why}) nor released; release it at the provider by hand.`;
    delete state.e164;
    if (released) note('number_released', SYSTEM, `${e164} released at the provider.`);
    await save();
  }

  async function notifyRequester(kind: 'completed' | 'rejected' | 'expired') {
    const outcome = await sendMail(kind);
    if (typeof outcome === 'string') note('requester_not_notified', SYSTEM, outcome);
    else if (outcome.to) note('requester_notified', SYSTEM, `Mailed ${outcome.to}.`);
    else note('requester_not_notified', SYSTEM, 'The requesting key has no email address.');
    await save();
  }

  /** Sends one mail (retried while SMTP is in trouble); a refusal for good comes back as its reason. */
  async function sendMail(kind: RequestMailKind): Promise<{ to?: string } | string> {
    try {
      return await mail.sendRequestMail(requestId, kind);
    } catch (err) {
      if (err instanceof ActivityFailure) return failureMessage(err);
      throw err;
    }
  }
}

function failureMessage(err: ActivityFailure): string {
  return err.cause instanceof ApplicationFailure || err.cause instanceof Error ? err.cause.message : err.message;
}
