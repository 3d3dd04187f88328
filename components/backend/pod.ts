/**
 * What every pod of the namespace shares: Pod Security Standard "restricted"
 * contexts, a writable /tmp on a read-only root, and the backend container base.
 */
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { AppIdentity, REQUIREMENT_ANNOTATION, appLabels, selectorLabels } from "./labels";
import { BackendSettings } from "./settings";

type PodSecurityContext = k8s.types.input.core.v1.PodSecurityContext;
type SecurityContext = k8s.types.input.core.v1.SecurityContext;
type Container = k8s.types.input.core.v1.Container;
type Volume = k8s.types.input.core.v1.Volume;
type VolumeMount = k8s.types.input.core.v1.VolumeMount;

/** Pod-level "restricted": non-root with a fixed uid/gid, RuntimeDefault seccomp. */
export function podSecurityContext(uid: number, gid: number = uid): PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: gid,
    fsGroup: gid,
    // Re-own a volume only on its first mount: PostgreSQL refuses a data directory, and
    // Erlang a cookie file, that a recursive re-own made group-writable.
    fsGroupChangePolicy: "OnRootMismatch",
    seccompProfile: { type: "RuntimeDefault" },
  };
}

/** Container-level "restricted" plus a read-only root filesystem. */
export function containerSecurityContext(uid: number, gid: number = uid): SecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: gid,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
  };
}

/** Writable scratch directories (emptyDir) on a read-only root: name -> mount path. */
export function scratchVolumes(paths: Readonly<Record<string, string>>): { volumes: Volume[]; mounts: VolumeMount[] } {
  const entries = Object.entries(paths);
  return {
    volumes: entries.map(([name]) => ({ name, emptyDir: { sizeLimit: "256Mi" } })),
    mounts: entries.map(([name, mountPath]) => ({ name, mountPath })),
  };
}

/** The names of the ConfigMap and Secret the backend reads its environment from. */
export interface EnvironmentRefs {
  readonly configMap: pulumi.Input<string>;
  readonly secret: pulumi.Input<string>;
}

export type BackendRole = "api" | "worker" | "migrate";

const BACKEND_SCRATCH = scratchVolumes({ tmp: "/tmp" });

/** A backend container: the pinned image, its environment, restricted, /tmp writable. */
export function backendContainer(
  s: BackendSettings,
  refs: EnvironmentRefs,
  spec: { name: string; role: BackendRole; command: string[]; resources: Container["resources"] },
): Container {
  return {
    name: spec.name,
    image: s.image,
    imagePullPolicy: "IfNotPresent",
    command: spec.command,
    env: [
      { name: "ROLE", value: spec.role },
      // A read-only root: no byte-code cache, and a writable home for libraries that want one.
      { name: "HOME", value: "/tmp" },
      { name: "PYTHONDONTWRITEBYTECODE", value: "1" },
      { name: "PYTHONUNBUFFERED", value: "1" },
    ],
    envFrom: [{ configMapRef: { name: refs.configMap } }, { secretRef: { name: refs.secret } }],
    resources: spec.resources,
    securityContext: containerSecurityContext(s.runAsUser),
    volumeMounts: BACKEND_SCRATCH.mounts,
  };
}

/** Pod spec fields every backend pod shares. */
export function backendPodBase(s: BackendSettings): Omit<k8s.types.input.core.v1.PodSpec, "containers"> {
  return {
    imagePullSecrets: [{ name: s.imagePullSecret }],
    securityContext: podSecurityContext(s.runAsUser),
    // The backend never calls the Kubernetes API, and Service env vars could shadow its own.
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    volumes: BACKEND_SCRATCH.volumes,
  };
}

/** A new pod must stay ready this long before it counts as available. */
export const MIN_READY_SECONDS = 10;

type PodSpec = k8s.types.input.core.v1.PodSpec;

/**
 * A backend Deployment that rolls without ever dropping below its replicas
 * (`maxUnavailable: 0`), selecting on the version-free labels, its pods carrying the
 * version labels and the pip requirement, and `pulumi up` failing after the progress deadline.
 */
export function rollingDeployment(
  s: BackendSettings,
  id: AppIdentity,
  rollout: { readonly replicas: number; readonly maxSurge: number },
  /** What differs from the shared backend pod (backendPodBase): containers, grace period, ... */
  pod: PodSpec,
): k8s.types.input.apps.v1.Deployment {
  const annotations = { [REQUIREMENT_ANNOTATION]: s.requirement };
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: id.name, namespace: s.namespace, labels: appLabels(id), annotations },
    spec: {
      replicas: rollout.replicas,
      revisionHistoryLimit: 5,
      minReadySeconds: MIN_READY_SECONDS,
      progressDeadlineSeconds: s.rolloutTimeoutSeconds,
      strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: rollout.maxSurge } },
      selector: { matchLabels: selectorLabels(id) },
      template: {
        metadata: { labels: appLabels(id), annotations },
        spec: { ...backendPodBase(s), ...pod },
      },
    },
  };
}
