import type { ErrorRequestHandler } from 'express';

/** An answer in Twilio's error shape: `{ code, message, more_info, status }`, nothing else. */
export class TwilioApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export function errorBody(status: number, code: number, message: string) {
  return { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
}

export const notFound = (what: string) =>
  new TwilioApiError(404, 20404, `The requested resource ${what} was not found`);

/** The last handler of the REST routes: our errors as Twilio's, anything else as 20500. */
export const twilioErrorHandler: ErrorRequestHandler = (err, _req, res, _next) => {
  if (err instanceof TwilioApiError) {
    res.status(err.status).json(errorBody(err.status, err.code, err.message));
    return;
  }
  const status = typeof err?.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : 500;
  res.status(status).json(errorBody(status, status === 500 ? 20500 : 20001, String(err?.message ?? err)));
};
