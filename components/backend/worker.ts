/**
 * The message consumer: no HTTP endpoint, so no readiness probe; a long grace period
 * lets a stopping worker finish the messages it holds.
 */
import type * as k8s from "@pulumi/kubernetes";
import { AppIdentity } from "./labels";
import { OBJECT_NAMES } from "./names";
import { EnvironmentRefs, backendContainer, rollingDeployment } from "./pod";
import { BackendSettings } from "./settings";

export const WORKER_COMMAND = ["python", "-m", "smartem_backend.consumer"];

export function workerIdentity(s: BackendSettings): AppIdentity {
  return { name: OBJECT_NAMES.worker, instance: s.namespace, component: "worker", version: s.version };
}

export function workerDeployment(s: BackendSettings, refs: EnvironmentRefs): k8s.types.input.apps.v1.Deployment {
  return rollingDeployment(
    s,
    workerIdentity(s),
    { replicas: s.worker.replicas, maxSurge: 1 },
    {
      terminationGracePeriodSeconds: s.worker.terminationGracePeriodSeconds,
      containers: [
        backendContainer(s, refs, { name: "worker", role: "worker", command: WORKER_COMMAND, resources: s.worker.resources }),
      ],
    },
  );
}
