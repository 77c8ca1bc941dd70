/**
 * What the API and the worker share about workflows: names and ids. The API never imports
 * workflow or activity code, only this and types.
 */
export const workflowIds = {
  numberRelease: (numberId: string) => `number-release-${numberId}`,
};
