// The worker's workflow bundle: every workflow the platform runs.
export { numberReleaseWorkflow } from './numberRelease';
export { webhookCheckWorkflow, webhookHealthSweepWorkflow } from './webhookHealth';
export { inboundReconcileSweepWorkflow } from './inboundReconcile';
export { numberRequestWorkflow } from './numberRequest';
export { senderWorkflow } from './sender';
