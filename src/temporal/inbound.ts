/** Ids of the inbound reconciliation's schedule and workflows, shared by the API and the worker. */
export const inboundIds = {
  schedule: (taskQueue: string) => `inbound-reconcile:${taskQueue}`,
  sweep: (taskQueue: string) => `inbound-reconcile-sweep:${taskQueue}`,
};
