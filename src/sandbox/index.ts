export { createSandbox, startSandbox, type Sandbox, type SandboxOptions, type StartOptions, type RunningSandbox } from './app';
export { DEFAULT_ACCOUNT } from './accounts';
export { DEFAULTS as SANDBOX_DEFAULTS, type Carrier } from './carrier';
export { countSegments, type SegmentCount, type Encoding } from './segments';
export { signTwilioRequest } from './signature';
export type { FaultInput as SandboxFaults } from './faults';
export type { Account, NumberType, SandboxMessage } from './types';
