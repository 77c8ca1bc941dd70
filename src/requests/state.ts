/*
 * A custom-number request's state, shared by its workflow and the API. Pure (no I/O, no Node
 * built-ins): the workflow bundle imports it.
 */
import type { RequestStatus } from '../vocabulary';
import type { RequestState, TimelineEntry } from '../temporal/requests';
import type { Actor } from '../audit/store';

export type RequestType = 'local' | 'toll_free' | 'alphanumeric';

/** What the admin asked for. */
export interface RequestSpec {
  country: string;
  type: RequestType;
  areaCode?: string;
  region?: string;
  senderId?: string;
  note?: string;
}

export type { RequestState, TimelineEntry };

export type Decision = 'approve' | 'reject' | 'cancel';

export const TERMINAL_STATUSES: readonly RequestStatus[] = ['completed', 'rejected', 'cancelled', 'expired', 'failed'];

/**
 * The rule for a decision on a request: only a request pending approval can be decided ('apply').
 * Repeating the decision that is in effect is harmless ('repeat': the caller gets the current
 * state): approve on a request provisioning or completed, reject on a rejected one, cancel on a
 * cancelled one. Anything else on a decided request is a 'conflict' (HTTP 409 with its status).
 */
export function judgeDecision(status: RequestStatus, decision: Decision): 'apply' | 'repeat' | 'conflict' {
  if (status === 'pending_approval') return 'apply';
  if (decision === 'approve' && (status === 'provisioning' || status === 'completed')) return 'repeat';
  if (decision === 'reject' && status === 'rejected') return 'repeat';
  if (decision === 'cancel' && status === 'cancelled') return 'repeat';
  return 'conflict';
}

/** ApplicationFailure types the workflow's update validators raise; the API maps them to 409. */
export const FAILURE_DECIDED = 'RequestAlreadyDecided';
export const FAILURE_NOT_PROVISIONABLE = 'RequestNotProvisionable';

export const NOT_PROVISIONABLE_MESSAGE =
  "Alphanumeric sender IDs are not provisioned through requests: the workspace's admin registers one under Settings → SMS → Sender IDs (POST /v1/workspaces/{ws}/sms/sender-ids). Reject the request with a note saying so.";

/** The workflow's input. Durations are inputs (seconds) so tests run days in moments on the real server. */
export interface NumberRequestInput {
  requestId: string;
  workspaceId: string;
  spec: RequestSpec;
  /** The first timeline entry, already stored with the request. */
  requested: TimelineEntry;
  durations: { reminderDelaySeconds: number; reminderIntervalSeconds: number; expirySeconds: number };
}

/** What provisioning came to: a number bought (now or by an earlier attempt), or none to be had. */
export type ProvisionResult =
  | { outcome: 'bought'; providerSid: string; e164: string; tried: string[] }
  | { outcome: 'unavailable'; reason: string };

export type RequestMailKind = 'completed' | 'rejected' | 'expired' | `reminder-${number}`;

/** How the timeline names who did a step: `admin:<keyId>`, `support:<keyId>`. */
export const actorName = (actor: Actor) => `${actor.role}:${actor.keyId}`;

/** "US, local, area code 415": a request's ask in words, for timelines and mails. */
export function describeSpec(spec: RequestSpec): string {
  const parts = [spec.country, spec.type.replace('_', '-')];
  if (spec.areaCode) parts.push(`area code ${spec.areaCode}`);
  if (spec.region) parts.push(`region ${spec.region}`);
  if (spec.senderId) parts.push(`sender ID "${spec.senderId}"`);
  return parts.join(', ');
}
