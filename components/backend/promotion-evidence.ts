/**
 * The promotion evidence a stack records for the version it runs: which version and image
 * digest rolled out, that its migration and its rollout succeeded, and when the rollout
 * completed as the cluster stamped it. Another stack's promotion guard (guards.ts,
 * `smartem:promoteFrom`) reads it back through a StackReference.
 *
 * It is a stack output that resolves only once both Deployments rolled out, and the outputs
 * of a failed `pulumi up` are never recorded (the engine keeps the last checkpoint's): so the
 * mere presence of a record for V says that V's migration (when it ran one) and its rollout
 * succeeded. Pure: the Backend component hands in what the Kubernetes provider read back.
 */
import { z } from "zod";
import { deployableVersion } from "../config/rules";

/** The stack output every stack exports and a promoting stack reads. */
export const PROMOTION_EVIDENCE_OUTPUT = "promotionEvidence";

/** "completed": this version's migration Job completed here; "none": the rollout ran none (below a newer schema). */
export const MIGRATION_OUTCOMES = ["completed", "none"] as const;
export type MigrationOutcome = (typeof MIGRATION_OUTCOMES)[number];

const sha256Digest = z.string().regex(/^sha256:[a-f0-9]{64}$/, "not a sha256 digest");

/** The record as exported; also how it is read back (a record from another run is not trusted blindly). */
export const promotionEvidenceSchema = z.strictObject({
  version: deployableVersion,
  /** The image digest every container ran; absent when the stack pinned none (tag only). */
  digest: sha256Digest.optional(),
  /**
   * When the later of the two Deployments completed its rollout, in the cluster's clock
   * (RFC 3339); absent when the provider's read-back did not show it (never invented).
   */
  rolledOutAt: z.iso.datetime({ offset: true }).optional(),
  migration: z.enum(MIGRATION_OUTCOMES),
  rollout: z.literal("available"),
});

export type PromotionEvidence = z.infer<typeof promotionEvidenceSchema>;

/** A Deployment condition, as the Kubernetes API returns it (only the fields read here). */
export interface DeploymentCondition {
  readonly type?: string;
  readonly status?: string;
  readonly reason?: string;
  readonly lastUpdateTime?: string;
  readonly lastTransitionTime?: string;
}

/** The parts of a Deployment that the Kubernetes provider read back after its rollout. */
export interface DeploymentReadBack {
  readonly metadata?: { readonly annotations?: Readonly<Record<string, string>> };
  readonly status?: { readonly conditions?: readonly DeploymentCondition[] };
}

/** The revision the Deployment controller gives each pod template it rolls out. */
export const DEPLOYMENT_REVISION_ANNOTATION = "deployment.kubernetes.io/revision";
/** The reason of the Progressing condition once the newest ReplicaSet is fully available. */
export const NEW_REPLICA_SET_AVAILABLE = "NewReplicaSetAvailable";

/**
 * When this Deployment's last rollout completed, as the cluster stamped it, or undefined when
 * the read-back does not show a completed rollout.
 *
 * The Deployment controller sets `Progressing` to reason `NewReplicaSetAvailable`, with a fresh
 * `lastUpdateTime`, at the moment the newest ReplicaSet is fully available; while Available
 * stays True through a rolling update (`maxUnavailable: 0`), Available's `lastTransitionTime`
 * keeps the time of the very first rollout, so it is not used for a later one. The provider
 * awaits exactly that Progressing state for revision 2 and later and then reads the object
 * back (pulumi-kubernetes await/deployment.go, await.go). For revision 1 (the first rollout)
 * it awaits only `Available`, and the read-back may not show Progressing's final reason yet;
 * there Available's `lastTransitionTime` is when the first pods became available, which, with
 * `maxUnavailable: 0`, is when all of them were.
 */
export function rolloutCompletedAt(deployment: DeploymentReadBack | undefined): string | undefined {
  const conditions = deployment?.status?.conditions ?? [];
  const progressing = conditions.find((c) => c.type === "Progressing");
  if (progressing?.status === "True" && progressing.reason === NEW_REPLICA_SET_AVAILABLE && progressing.lastUpdateTime) {
    return progressing.lastUpdateTime;
  }
  const available = conditions.find((c) => c.type === "Available");
  const firstRollout = deployment?.metadata?.annotations?.[DEPLOYMENT_REVISION_ANNOTATION] === "1";
  if (firstRollout && available?.status === "True" && available.lastTransitionTime) return available.lastTransitionTime;
  return undefined;
}

export interface EvidenceFacts {
  readonly version: string;
  /** The digest pinned for `version` (`smartem:backendImageDigests`), if any. */
  readonly digest?: string;
  /** Whether this rollout ran the version's migration Job (it waited for it to complete). */
  readonly migrated: boolean;
  /** Every Deployment of the version, as read back after its rollout. */
  readonly deployments: readonly DeploymentReadBack[];
}

/** The record of a rollout: rolledOutAt is the later of the Deployments' times, absent if any is unknown. */
export function promotionEvidence(facts: EvidenceFacts): PromotionEvidence {
  const times = facts.deployments.map(rolloutCompletedAt);
  const known = times.filter((t): t is string => t !== undefined);
  const rolledOutAt =
    known.length === times.length && known.length > 0
      ? known.reduce((a, b) => (Date.parse(b) > Date.parse(a) ? b : a))
      : undefined;
  return {
    version: facts.version,
    ...(facts.digest !== undefined ? { digest: facts.digest } : {}),
    ...(rolledOutAt !== undefined ? { rolledOutAt } : {}),
    migration: facts.migrated ? "completed" : "none",
    rollout: "available",
  };
}

/** A promotion source's output as read back: the record, none, or what is wrong with it. */
export type RecordedEvidence =
  | { readonly kind: "recorded"; readonly evidence: PromotionEvidence }
  | { readonly kind: "none" }
  | { readonly kind: "invalid"; readonly problem: string };

export function readEvidence(value: unknown): RecordedEvidence {
  if (value === undefined || value === null) return { kind: "none" };
  const parsed = promotionEvidenceSchema.safeParse(value);
  if (parsed.success) return { kind: "recorded", evidence: parsed.data };
  const problem = parsed.error.issues.map((i) => `${i.path.join(".") || "(the value)"}: ${i.message}`).join("; ");
  return { kind: "invalid", problem };
}
