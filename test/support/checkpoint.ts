/**
 * The stack's last checkpoint as the real engine leaves it, for the built-in invoke
 * `pulumi:pulumi:readStackResourceOutputs` (pulumi pkg/backend/backend.go
 * GetStackResourceOutputs): every live resource keyed by URN as `{type, outputs}`; a
 * replaced resource still awaiting deletion (`delete: true`) is left out.
 *
 * What a failed `pulumi up` leaves (pkg/resource/deploy/step_executor.go): each step that
 * completed is in the checkpoint, a resource whose create/update failed after the provider
 * touched it is there with the provider's partial state, and the stack outputs are the
 * previous update's (none is registered when any output rejects).
 */
import { StackResourceOutputs } from "../../components/backend/migration-history";
import { INVOKES, PROJECT, TYPES } from "../../components/shared/project";
import { EvaluateOptions } from "../../tools/engine/evaluate";

/** A resource in the checkpoint: its type, name, parent component type and recorded outputs. */
export interface CheckpointEntry {
  readonly type: string;
  readonly name: string;
  readonly parentType?: string;
  readonly outputs: Record<string, unknown>;
}

/** The Job as the Kubernetes provider records it once awaited: labels and the live status. */
export function migrationJobState(version: string, outcome: "complete" | "failed"): CheckpointEntry {
  const status =
    outcome === "complete"
      ? {
          conditions: [
            { type: "SuccessCriteriaMet", status: "True", reason: "CompletionsReached" },
            { type: "Complete", status: "True", reason: "CompletionsReached" },
          ],
          succeeded: 1,
        }
      : {
          conditions: [
            { type: "FailureTarget", status: "True", reason: "BackoffLimitExceeded" },
            { type: "Failed", status: "True", reason: "BackoffLimitExceeded" },
          ],
          failed: 3,
        };
  return {
    type: TYPES.job,
    name: "smartem-migrate",
    parentType: TYPES.backend,
    outputs: {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: { name: `smartem-migrate-${version.replace(/\W/g, "")}x1`, labels: { "app.kubernetes.io/version": version } },
      status,
    },
  };
}

/** The `invokes` answer of an evaluation whose stack has this checkpoint. */
export function checkpointInvokes(stack: string, entries: readonly CheckpointEntry[]): NonNullable<EvaluateOptions["invokes"]> {
  const qualified = `organization/${PROJECT}/${stack}`;
  return {
    [INVOKES.readStackResourceOutputs]: (inputs) => {
      if (inputs.stackName !== qualified) throw new Error(`unknown stack ${String(inputs.stackName)}`);
      const outputs: Record<string, { type: string; outputs: Record<string, unknown> }> = {};
      for (const e of entries) {
        const chain = e.parentType ? `${e.parentType}$${e.type}` : e.type;
        outputs[`urn:pulumi:${stack}::${PROJECT}::${chain}::${e.name}`] = { type: e.type, outputs: e.outputs };
      }
      const answer: StackResourceOutputs = { name: qualified, outputs };
      return answer as unknown as Record<string, unknown>;
    },
  };
}
