import { createNumberActivities } from './numbers';

/** Every activity the worker registers, composed from the feature factories with their dependencies. */
export function createActivities() {
  return {
    ...createNumberActivities(),
  };
}
