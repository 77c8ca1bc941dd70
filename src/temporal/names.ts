/**
 * What the API and the worker share about workflows: names and ids. The API never imports
 * workflow or activity code, only this and types.
 */
export const workflowIds = {
  numberRelease: (numberId: string) => `number-release-${numberId}`,
  /** The message id is unique per (workspace, idempotency key): a repeated request finds the same workflow. */
  outboundMessage: (messageId: string) => `outbound-message-${messageId}`,
};
