// The worker's workflow bundle: every workflow the platform runs.
export { numberReleaseWorkflow } from './numberRelease';
