/**
 * Type tests of the workflow model: checked by `tsc --noEmit` (the first half of `npm test`),
 * not run by mocha. Each `@ts-expect-error` fails the type check when the line it guards
 * stops being an error, so the model cannot quietly start accepting these jobs.
 */
import type { Job } from "../../components/actions/model";

// @ts-expect-error permissions is required on every job
export const noPermissions: Job = { name: "x", runsOn: "ubuntu-latest", timeoutMinutes: 1, steps: [] };

// @ts-expect-error timeoutMinutes is required on every job
export const noTimeout: Job = { name: "x", runsOn: "ubuntu-latest", permissions: {}, steps: [] };

export const unpinned: Job = {
  name: "x",
  runsOn: "u",
  permissions: {},
  timeoutMinutes: 1,
  // @ts-expect-error a step's `uses` comes from the pin table, never a string
  steps: [{ name: "s", uses: "actions/checkout@v4" }],
};
