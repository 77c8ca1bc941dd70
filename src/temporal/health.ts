/** Ids of the webhook-health schedule and workflows, shared by the API and the worker. */
export const healthIds = {
  schedule: (taskQueue: string) => `webhook-health:${taskQueue}`,
  sweep: (taskQueue: string) => `webhook-health-sweep:${taskQueue}`,
  check: (workspaceId: string) => `webhook-check:${workspaceId}`,
};
