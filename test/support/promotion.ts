/**
 * What the real engine and the Kubernetes provider hand the program around a promotion: a
 * Deployment as the provider reads it back after its await (the live object, status included)
 * and kubeconfigs of a loopback or a remote cluster.
 */
import { DeploymentReadBack } from "../../components/backend/promotion-evidence";
import { EvaluateOptions } from "../../tools/engine/evaluate";
import { listStacks } from "../../tools/engine/stack-file";
import { evaluateLive } from "./live-run";
import { TYPES } from "../../components/shared/project";

export const FIRST_AVAILABLE = "2026-11-20T08:00:00Z";

/** A Deployment read back after the rollout of revision `revision` completed at `completedAt`. */
export function rolledOut(revision: number, completedAt: string): DeploymentReadBack {
  return {
    metadata: { annotations: { "deployment.kubernetes.io/revision": String(revision) } },
    status: {
      conditions: [
        // Available stays True through a rolling update with maxUnavailable 0: its transition is the first rollout's.
        {
          type: "Available",
          status: "True",
          reason: "MinimumReplicasAvailable",
          lastUpdateTime: FIRST_AVAILABLE,
          lastTransitionTime: FIRST_AVAILABLE,
        },
        {
          type: "Progressing",
          status: "True",
          reason: "NewReplicaSetAvailable",
          lastUpdateTime: completedAt,
          lastTransitionTime: FIRST_AVAILABLE,
        },
      ],
    },
  };
}

/** The first rollout, read back as soon as Available turned True: Progressing may not show its final reason yet. */
export function firstRollout(availableAt: string): DeploymentReadBack {
  return {
    metadata: { annotations: { "deployment.kubernetes.io/revision": "1" } },
    status: {
      conditions: [
        {
          type: "Progressing",
          status: "True",
          reason: "ReplicaSetUpdated",
          lastUpdateTime: "2026-11-20T07:59:40Z",
          lastTransitionTime: "2026-11-20T07:59:30Z",
        },
        {
          type: "Available",
          status: "True",
          reason: "MinimumReplicasAvailable",
          lastUpdateTime: availableAt,
          lastTransitionTime: availableAt,
        },
      ],
    },
  };
}

/** A kubeconfig whose current context (`here`) is the cluster at `server`; context `prod` is remote. */
export function kubeconfigFor(server: string, extra = ""): string {
  return [
    "apiVersion: v1",
    "kind: Config",
    `clusters: [{name: here, cluster: {server: '${server}'}}, {name: prod, cluster: {server: 'https://prod.example:6443'}}]`,
    "users: [{name: u, user: {token: t}}]",
    "contexts: [{name: here, context: {cluster: here, user: u}}, {name: prod, context: {cluster: prod, user: u}}]",
    "current-context: here",
    extra,
  ].join("\n");
}

/** The backend's two Deployments, by resource name. */
export const DEPLOYMENTS = { api: "smartem-http-api", worker: "smartem-worker" } as const;

/**
 * The Kubernetes provider's answer for the backend's Deployments, as `providerState` of the
 * evaluation: each one's live object after its await (metadata and status read back), or an
 * Error for a rollout that failed (the provider rejects the update, as on a timeout).
 */
export function kubernetesReadBack(
  deployments: Partial<Record<keyof typeof DEPLOYMENTS, DeploymentReadBack | Error>>,
): (type: string, name: string, inputs: Record<string, unknown>) => Record<string, unknown> | undefined {
  return (type, name, inputs) => {
    if (type !== TYPES.deployment) return undefined;
    const which = (Object.keys(DEPLOYMENTS) as Array<keyof typeof DEPLOYMENTS>).find((k) => DEPLOYMENTS[k] === name);
    const answer = which && deployments[which];
    if (answer === undefined) return undefined;
    if (answer instanceof Error) throw answer;
    const metadata = (inputs.metadata ?? {}) as Record<string, unknown>;
    const annotations = { ...(metadata.annotations as Record<string, string> | undefined), ...answer.metadata?.annotations };
    return { metadata: { ...metadata, annotations }, status: answer.status };
  };
}

/** Fully qualified names of the checked-in stacks, as the offline engine names them. */
export const QUALIFIED = (stack: string): string => `organization/smartem/${stack}`;

export interface UpOptions {
  /** Config keys to change (keys may omit `smartem:`). */
  readonly overrides?: Readonly<Record<string, string | undefined>>;
  /** The last checkpoint's outputs of every stack, by stack name (a stack missing: never deployed). */
  readonly checkpoints: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** The Kubernetes provider's read-back of the Deployments (kubernetesReadBack). */
  readonly providerState?: EvaluateOptions["providerState"];
  /** The machine's clock. */
  readonly now?: Date;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly files?: Readonly<Record<string, string>>;
}

export type UpResult =
  | { readonly ok: true; readonly outputs: Readonly<Record<string, unknown>>; readonly warnings: readonly string[] }
  | { readonly ok: false; readonly error: string; readonly outputs: Readonly<Record<string, unknown>> | undefined };

/**
 * `pulumi up` of a stack as the real engine records it: every StackReference answers that
 * stack's last checkpoint; the update's outputs become the stack's new checkpoint only when the
 * update succeeds; a failed update (a refused guard, a failed rollout) keeps the previous ones.
 */
export async function pulumiUp(stack: string, options: UpOptions): Promise<UpResult> {
  const stackReferences = Object.fromEntries(
    listStacks().map((name) => [QUALIFIED(name), { ...(options.checkpoints[name] ?? {}) }]),
  );
  try {
    const e = await evaluateLive(stack, {
      stackReferences,
      ...(options.overrides ? { overrides: options.overrides } : {}),
      ...(options.providerState ? { providerState: options.providerState } : {}),
      ...(options.now ? { now: options.now } : {}),
      ...(options.env ? { env: options.env } : {}),
      ...(options.files ? { files: options.files } : {}),
    });
    return { ok: true, outputs: e.outputs, warnings: e.warnings ?? [] };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error), outputs: options.checkpoints[stack] };
  }
}
