/**
 * How the backend's explicit Kubernetes provider is configured, so that a `pulumi up` from
 * CI and one from a laptop see the same provider:
 * - the kubeconfig is passed as its contents, a secret: @pulumi/kubernetes would otherwise copy
 *   the KUBECONFIG *path* into the provider's inputs, and the state would name a file that does
 *   not exist on the next machine (pulumi-kubernetes #3217, #2663). The contents are read at run
 *   time from the machine's kubeconfig (KUBECONFIG, else ~/.kube/config), because CI gives each
 *   job its own credentials (read-only for previews, write for `up`) from environment secrets;
 * - `clusterIdentifier` (`smartem:clusterName`) decides alone when the provider is replaced: two
 *   kubeconfigs naming the same cluster differently (a laptop's context, CI's) then plan an
 *   update of the provider, not the replacement of every object;
 * - `deleteUnreachable: false`, explicitly: with true (or PULUMI_K8S_DELETE_UNREACHABLE=true in
 *   a shell) an unreachable cluster (VPN down, expired credentials) would make Pulumi forget
 *   every object of the stack, and the next `up` would then fail to create objects that exist
 *   (creates do not adopt). `skipUpdateUnreachable: false` likewise: an unreachable cluster must
 *   fail the run, not report a deploy that changed nothing.
 */
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as os from "node:os";
import * as path from "node:path";
import { ConfigProblem, UNSET_MARKER } from "../config/keys";
import { BACKEND_KEY } from "./config";

/** The cluster a stack deploys to, as the provider gets it. */
export interface KubernetesCluster {
  /** The kubeconfig's contents (never a path); a secret. */
  readonly kubeconfig: pulumi.Input<string>;
  /** `smartem:clusterName`. @default none (offline only: a real run requires it) */
  readonly clusterIdentifier?: string;
  /** `smartem:kubeContext`. @default the kubeconfig's current context */
  readonly context?: string;
}

export function kubernetesProviderArgs(cluster: KubernetesCluster): k8s.ProviderArgs {
  return {
    kubeconfig: pulumi.secret(cluster.kubeconfig),
    ...(cluster.clusterIdentifier !== undefined ? { clusterIdentifier: cluster.clusterIdentifier } : {}),
    ...(cluster.context !== undefined ? { context: cluster.context } : {}),
    deleteUnreachable: false,
    skipUpdateUnreachable: false,
  };
}

/** Where a kubeconfig is read from on this machine, as kubectl finds it. */
export const KUBECONFIG_ENV = "KUBECONFIG";

export type KubeconfigRead = { readonly contents: string } | { readonly problems: readonly ConfigProblem[] };

/**
 * Reads the machine's kubeconfig: the one file KUBECONFIG names, else `~/.kube/config`.
 * A KUBECONFIG listing several files is refused: kubectl merges them, the provider takes one.
 */
export function readKubeconfig(
  env: Readonly<Record<string, string | undefined>>,
  readFile: (file: string) => string,
  home: string = os.homedir(),
): KubeconfigRead {
  const listed = (env[KUBECONFIG_ENV] ?? "").split(path.delimiter).filter((entry) => entry.trim() !== "");
  if (listed.length > 1) {
    return {
      problems: [
        {
          key: KUBECONFIG_ENV,
          value: JSON.stringify(env[KUBECONFIG_ENV]),
          message: `lists ${listed.length} files; the Kubernetes provider takes one kubeconfig; allowed: one file (\`kubectl config view --flatten > merged\` merges them)`,
        },
      ],
    };
  }
  const file = listed[0] ?? path.join(home, ".kube", "config");
  try {
    return { contents: readFile(file) };
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    return {
      problems: [
        {
          key: listed.length === 1 ? KUBECONFIG_ENV : "kubeconfig",
          value: JSON.stringify(file),
          message: `cannot be read (${why}); allowed: a readable kubeconfig file (KUBECONFIG, else ~/.kube/config)`,
        },
      ],
    };
  }
}

/** `smartem:clusterName` is what keeps CI and laptops from replacing everything: required for a real run. */
export function clusterNameProblems(clusterName: string | undefined): ConfigProblem[] {
  return clusterName !== undefined
    ? []
    : [
        {
          key: BACKEND_KEY.clusterName,
          value: UNSET_MARKER,
          message:
            "required by pulumi preview/up: the Kubernetes provider's clusterIdentifier, so that runs from CI and from a laptop plan no replacement of every object; " +
            "allowed: a stable name of the stack's cluster (lower-case letters, digits and '-')",
        },
      ];
}
