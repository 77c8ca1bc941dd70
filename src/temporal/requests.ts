/**
 * The custom-number request workflow's interface, as the API sees it: its type name, id, updates
 * and query. Only @temporalio/workflow's define* functions and types here: the API imports this.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { RequestStatus } from '../vocabulary';

export interface TimelineEntry {
  /** ISO 8601 */
  at: string;
  /** `admin:<keyId>`, `support:<keyId>` or `system` */
  actor: string;
  step: string;
  detail?: string;
}

/** What the workflow knows, returned by its query and its updates, and saved to MongoDB after each step. */
export interface RequestState {
  status: RequestStatus;
  timeline: TimelineEntry[];
  numberId?: string;
  e164?: string;
  reason?: string;
}

export const NUMBER_REQUEST_WORKFLOW = 'numberRequestWorkflow';

/** The workflow id is the request id: one workflow per request. */
export const numberRequestWorkflowId = (requestId: string) => requestId;

/** Support approves; `phoneNumber` names the exact number to buy (else the first that matches). */
export const approveRequest = defineUpdate<RequestState, [actor: string, phoneNumber?: string]>('approve');
export const rejectRequest = defineUpdate<RequestState, [actor: string, reason: string]>('reject');
/** The customer withdraws a request that support has not approved yet. */
export const cancelRequest = defineUpdate<RequestState, [actor: string]>('cancel');
export const requestState = defineQuery<RequestState>('state');
