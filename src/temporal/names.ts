/**
 * What the API and the worker share about workflows: names and ids. The API never imports
 * workflow or activity code, only this and types.
 */
export const NUMBER_RELEASE_WORKFLOW = 'numberReleaseWorkflow';

/** The cool-down of a released shared number: the number, who held it, and for how long it stays theirs. */
export interface NumberReleaseInput {
  numberId: string;
  workspaceId: string;
  cooldownSeconds: number;
}

export const workflowIds = {
  numberRelease: (numberId: string) => `number-release-${numberId}`,
  /** The message id is unique per (workspace, idempotency key): a repeated request finds the same workflow. */
  outboundMessage: (messageId: string) => `outbound-message-${messageId}`,
};
