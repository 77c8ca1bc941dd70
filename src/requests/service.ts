import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Services } from '../services';
import { AppError } from '../errors';
import { ProviderError } from '../provider';
import type { Actor } from '../audit/store';
import {
  NUMBER_REQUEST_WORKFLOW,
  approveRequest,
  cancelRequest,
  numberRequestWorkflowId,
  rejectRequest,
  requestState,
} from '../temporal/requests';
import { searchCandidates } from './provisioning';
import { deleteRequest, findRequest, insertRequest, type RequestDoc, type RequestScope } from './store';
import { PLATFORM_WIDE } from '../db/scope';
import {
  FAILURE_DECIDED,
  FAILURE_NOT_PROVISIONABLE,
  actorName,
  describeSpec,
  judgeDecision,
  type Decision,
  type NumberRequestInput,
  type RequestSpec,
  type RequestState,
  type RequestType,
} from './state';

/** How long a read waits for the workflow's own answer before showing the stored copy. */
const QUERY_DEADLINE_MS = 2000;
const CANDIDATES_LIMIT = 20;

/** A request for the API: the stored fields, with the workflow's live state when we have it. */
export function toRequestView(doc: RequestDoc, live?: RequestState) {
  const state = live ?? {
    status: doc.status,
    timeline: doc.timeline.map((t) => ({ at: t.at!.toISOString(), actor: t.actor ?? '', step: t.step ?? '', ...(t.detail ? { detail: t.detail } : {}) })),
    numberId: doc.numberId ?? undefined,
    e164: doc.e164 ?? undefined,
    reason: doc.reason ?? undefined,
  };
  return {
    id: doc._id,
    workspaceId: doc.workspaceId,
    status: state.status,
    country: doc.country,
    type: doc.type as RequestType,
    areaCode: doc.areaCode ?? null,
    region: doc.region ?? null,
    senderId: doc.senderId ?? null,
    note: doc.note ?? null,
    number: state.e164 ? { id: state.numberId ?? null, e164: state.e164 } : null,
    reason: state.reason ?? null,
    timeline: state.timeline.map((t) => ({ at: t.at, actor: t.actor, step: t.step, detail: t.detail ?? null })),
    createdAt: doc.createdAt.toISOString(),
  };
}

export type RequestView = ReturnType<typeof toRequestView>;

/** The custom-number use cases the API offers; every change goes through the request's workflow. */
export function numberRequests(services: Services) {
  const { config, temporal } = services;
  const handle = (id: string) => temporal.workflow.getHandle(numberRequestWorkflowId(id));

  async function submit(workspaceId: string, spec: RequestSpec, requester: Actor & { email?: string }): Promise<RequestView> {
    const doc = await insertRequest({
      workspaceId,
      spec,
      requestedBy: { keyId: requester.keyId, ...(requester.email && { email: requester.email }) },
      requested: { actor: actorName(requester), step: 'requested', detail: describeSpec(spec) },
      openLimit: config.NUMBER_REQUESTS_OPEN_LIMIT,
    });
    const first = doc.timeline[0];
    const input: NumberRequestInput = {
      requestId: doc._id,
      workspaceId,
      spec,
      requested: { at: first.at!.toISOString(), actor: first.actor!, step: first.step!, ...(first.detail && { detail: first.detail }) },
      durations: {
        reminderDelaySeconds: config.NUMBER_REQUEST_REMINDER_DELAY_SECONDS,
        reminderIntervalSeconds: config.NUMBER_REQUEST_REMINDER_INTERVAL_SECONDS,
        expirySeconds: config.NUMBER_REQUEST_EXPIRY_SECONDS,
      },
    };
    try {
      await temporal.workflow.start(NUMBER_REQUEST_WORKFLOW, {
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        workflowId: numberRequestWorkflowId(doc._id),
        args: [input],
      });
    } catch (err) {
      // A stored request without its workflow would wait forever: undo it, unless the start did happen.
      if (!(await workflowExists(temporal, doc._id))) {
        await deleteRequest(doc._id);
        services.log.error({ err, requestId: doc._id }, 'could not start the number request workflow');
        throw new AppError('unavailable', 'The request could not be registered right now; nothing was saved. Try again in a moment.');
      }
    }
    return toRequestView(await findRequest(doc._id, { workspaceId }));
  }

  /** The request with its timeline, fresh from the workflow when it answers in time. */
  async function get(id: string, scope: RequestScope): Promise<RequestView> {
    const doc = await findRequest(id, scope);
    let live: RequestState | undefined;
    try {
      live = await temporal.withDeadline(Date.now() + QUERY_DEADLINE_MS, () => handle(id).query(requestState));
    } catch (err) {
      services.log.warn({ requestId: id, reason: (err as Error).message }, 'request state query failed; showing the stored copy');
    }
    return toRequestView(doc, live);
  }

  /**
   * Approve, reject or cancel, as an update of the workflow; its validator refuses a decision on a
   * decided request (409 with the current status). An ended workflow takes no updates: the stored
   * state is judged by the same rule.
   */
  async function decide(id: string, decision: Decision, by: Actor, scope: RequestScope, arg: { phoneNumber?: string; reason?: string } = {}) {
    const doc = await findRequest(id, scope);
    const actor = actorName(by);
    try {
      const h = handle(id);
      const state =
        decision === 'approve'
          ? await h.executeUpdate(approveRequest, { args: [actor, arg.phoneNumber] })
          : decision === 'reject'
            ? await h.executeUpdate(rejectRequest, { args: [actor, arg.reason ?? ''] })
            : await h.executeUpdate(cancelRequest, { args: [actor] });
      return toRequestView(doc, state);
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
        if (err.cause.type === FAILURE_DECIDED) throw new AppError('conflict', err.cause.message, err.cause.details?.[0]);
        if (err.cause.type === FAILURE_NOT_PROVISIONABLE) throw new AppError('conflict', err.cause.message, { status: doc.status });
      }
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
    const stored = await findRequest(id, scope);
    if (judgeDecision(stored.status, decision) !== 'repeat') {
      throw new AppError('conflict', `The request is ${stored.status.replace('_', ' ')}; this decision can no longer be made.`, { status: stored.status });
    }
    return toRequestView(stored);
  }

  /** Numbers the provider offers for the request, for support to choose from. */
  async function candidates(id: string) {
    const doc = await findRequest(id, PLATFORM_WIDE);
    try {
      const spec = { country: doc.country, type: doc.type as RequestType, areaCode: doc.areaCode ?? undefined, region: doc.region ?? undefined };
      return await searchCandidates(services.providers.platform.provider, spec, CANDIDATES_LIMIT);
    } catch (err) {
      if (err instanceof ProviderError) throw new AppError('unavailable', err.sentence, { providerCode: err.code });
      throw err;
    }
  }

  return { submit, get, decide, candidates };
}

async function workflowExists(temporal: Client, id: string): Promise<boolean> {
  try {
    await temporal.workflow.getHandle(numberRequestWorkflowId(id)).describe();
    return true;
  } catch {
    return false;
  }
}
