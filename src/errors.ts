/**
 * The one error type domain code throws. It carries a machine code; the HTTP edge maps codes to
 * statuses (domain code never picks a status).
 */
export const ERROR_STATUS = {
  validation_failed: 400,
  unauthenticated: 401,
  addon_required: 402,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  number_unavailable: 409,
  channel_not_connected: 409,
  channel_disabled: 409,
  idempotency_conflict: 409,
  not_cancellable: 409,
  payload_too_large: 413,
  recipient_opted_out: 422,
  provider_credentials_invalid: 422,
  invalid_recipient: 422,
  destination_not_allowed: 422,
  send_at_not_in_future: 422,
  send_at_beyond_horizon: 422,
  rate_limited: 429,
  internal: 500,
  media_unavailable: 502,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export const notFound = (what: string) => new AppError('not_found', `${what} was not found.`);
