import { releaseReservation } from '../numbers/pool';

export function createNumberActivities() {
  return {
    /** Idempotent: releasing twice, or a reservation already taken back, changes nothing. */
    async releaseReservedNumber(numberId: string, workspaceId: string): Promise<boolean> {
      return releaseReservation(numberId, workspaceId);
    },
  };
}

export type NumberActivities = ReturnType<typeof createNumberActivities>;
