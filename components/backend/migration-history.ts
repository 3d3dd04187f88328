/**
 * Which backend version's migration completed on this stack, read from the stack's last
 * checkpoint: the state of its migration Job, as the engine recorded it.
 *
 * Why not a stack output: a `pulumi up` whose rollout fails registers no stack outputs (the
 * failed Deployment rejects its outputs, and the stack's outputs are awaited together), so
 * the checkpoint keeps the previous ones. The migration Job, though, is a step of its own:
 * the engine writes its state to the checkpoint as soon as it completes, before the
 * Deployments start rolling. After "D migrated, D's pods never became ready", the outputs
 * still say B while the checkpoint's Job says D completed; returning to B must not run B's
 * migration against D's schema.
 *
 * Pure: deployed-version.ts reads the checkpoint. The read is the engine's built-in invoke `pulumi:pulumi:readStackResourceOutputs`, which
 * returns every live resource of the stack's checkpoint as `{type, outputs}` keyed by URN (a
 * replaced resource awaiting deletion is left out). Tried with the real CLI (3.276, file
 * backend): a stack never deployed answers no resources; during an update the answer already
 * holds what this update has checkpointed, which never includes this run's Job, because the
 * program reads before it registers the backend.
 */
import { compareVersions, isCanonicalVersion } from "../version/version";
import { TYPES } from "../shared/project";
import { VERSION_LABEL } from "./labels";

/** One resource of `readStackResourceOutputs`' answer. */
export interface CheckpointResource {
  readonly type: string;
  readonly outputs: Readonly<Record<string, unknown>>;
}

/** The answer of `readStackResourceOutputs`: `outputs` maps each URN to its resource. */
export interface StackResourceOutputs {
  readonly name: string;
  readonly outputs: Readonly<Record<string, CheckpointResource>>;
}

/** The resource name of a URN (`urn:pulumi:<stack>::<project>::<type chain>::<name>`). */
function urnName(urn: string): string {
  return urn.split("::").slice(3).join("::");
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** Whether a Job's live status says it completed (the `Complete` condition, as kubectl wait reads it). */
export function jobCompleted(outputs: Readonly<Record<string, unknown>>): boolean {
  const conditions = record(outputs.status).conditions;
  return Array.isArray(conditions) && conditions.some((c) => record(c).type === "Complete" && record(c).status === "True");
}

/**
 * The highest version whose migration Job (resource name `jobName`) the checkpoint shows
 * completed; undefined when it shows none (no Job, or one that failed or still ran).
 */
export function completedMigration(resources: StackResourceOutputs["outputs"], jobName: string): string | undefined {
  const versions = Object.entries(resources)
    .filter(([urn, r]) => r.type === TYPES.job && urnName(urn) === jobName && jobCompleted(r.outputs))
    .map(([, r]) => record(record(r.outputs.metadata).labels)[VERSION_LABEL])
    .filter((v): v is string => typeof v === "string" && isCanonicalVersion(v));
  return versions.sort(compareVersions).at(-1);
}
