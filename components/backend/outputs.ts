/**
 * Names of the stack outputs that the guards and this repository's workflows read back. Pure
 * (no Pulumi): the workflow decision scripts import them without loading the SDK.
 */

/** The stack output every stack exports and the guards read back. */
export const BACKEND_VERSION_OUTPUT = "backendVersion";

/** The stack output with the highest version whose migration Job completed on this stack. */
export const MIGRATED_VERSION_OUTPUT = "migratedVersion";
