import { randomBytes } from 'node:crypto';

/** Prefixed random ids ("ws_3f9a..."), readable in logs and URLs, unguessable across workspaces. */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('hex')}`;
}
