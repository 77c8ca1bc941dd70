// The console's only way to the API: same origin, the key from sessionStorage as a Bearer token
// (never in a URL), and the API's error contract turned into an ApiError. The API's sentences are
// English and its codes are the contract: a person reads the console's own words for the code.
import { t, has } from './i18n.js';

const KEY_NAME = 'console.apiKey';

export const session = {
  get key() {
    return sessionStorage.getItem(KEY_NAME);
  },
  set key(value) {
    if (value) sessionStorage.setItem(KEY_NAME, value);
    else sessionStorage.removeItem(KEY_NAME);
  },
};

export class ApiError extends Error {
  constructor(status, code, details) {
    // details fill the words' placeholders where the API gives them (e.g. invalid_recipient's `to`)
    super(has(`error.${code}`) ? t(`error.${code}`, details) : t('error.unknown', { status }));
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/** Calls the API; resolves with the JSON body, or rejects with an ApiError whose message is for a person, in their language. */
export async function api(method, path, body, headers = {}) {
  const init = { method, headers: { accept: 'application/json', ...headers } };
  if (session.key) init.headers.authorization = `Bearer ${session.key}`;
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch {
    throw new ApiError(0, 'network');
  }
  if (res.status === 204) return undefined;
  const data = await res.json().catch(() => undefined);
  if (!res.ok) {
    const error = data && data.error;
    throw new ApiError(res.status, (error && error.code) || `http_${res.status}`, error && error.details);
  }
  return data;
}

/** The workspace-scoped path of a resource. */
export const wsPath = (me, rest) => `/v1/workspaces/${encodeURIComponent(me.workspaceId)}${rest}`;

/**
 * A received picture through the API's media proxy (it needs the key, which an <img src> cannot
 * carry), as a data: URL the page may show (the console's CSP allows data: images, not blob:).
 */
export async function mediaDataUrl(path) {
  const res = await fetch(path, { headers: session.key ? { authorization: `Bearer ${session.key}` } : {} }).catch(() => undefined);
  if (!res || !res.ok) throw new ApiError(res ? res.status : 0, res ? 'media_unavailable' : 'network');
  const blob = await res.blob();
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve({ url: reader.result, type: blob.type });
    reader.onerror = () => reject(new ApiError(0, 'media_unavailable'));
    reader.readAsDataURL(blob);
  });
}
