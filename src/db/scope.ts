/**
 * For store functions that serve one workspace (`{ workspaceId }`) and also the paths that work
 * across workspaces by design (support's queue, the outbound sender, the provider's status
 * callbacks): their scope argument is required, so a call cannot forget to say which it is.
 */
export const PLATFORM_WIDE = { platformWide: true } as const;

/** One workspace's, or every workspace's where the path works across them by design. */
export type Scope = { workspaceId: string } | typeof PLATFORM_WIDE;
