/**
 * The message consumer: no HTTP endpoint, so no readiness probe; a long grace period
 * lets a stopping worker finish the messages it holds.
 */
import type * as k8s from "@pulumi/kubernetes";
import { MIN_READY_SECONDS } from "./api";
import { AppIdentity, REQUIREMENT_ANNOTATION, appLabels, selectorLabels } from "./labels";
import { OBJECT_NAMES } from "./names";
import { EnvironmentRefs, backendContainer, backendPodBase } from "./pod";
import { BackendSettings } from "./settings";

export const WORKER_COMMAND = ["python", "-m", "smartem_backend.consumer"];

export function workerIdentity(s: BackendSettings): AppIdentity {
  return { name: OBJECT_NAMES.worker, instance: s.namespace, component: "worker", version: s.version };
}

export function workerDeployment(s: BackendSettings, refs: EnvironmentRefs): k8s.types.input.apps.v1.Deployment {
  const id = workerIdentity(s);
  const annotations = { [REQUIREMENT_ANNOTATION]: s.requirement };
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: OBJECT_NAMES.worker, namespace: s.namespace, labels: appLabels(id), annotations },
    spec: {
      replicas: s.worker.replicas,
      revisionHistoryLimit: 5,
      minReadySeconds: MIN_READY_SECONDS,
      progressDeadlineSeconds: s.rolloutTimeoutSeconds,
      strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      selector: { matchLabels: selectorLabels(id) },
      template: {
        metadata: { labels: appLabels(id), annotations },
        spec: {
          ...backendPodBase(s),
          terminationGracePeriodSeconds: s.worker.terminationGracePeriodSeconds,
          containers: [
            backendContainer(s, refs, { name: "worker", role: "worker", command: WORKER_COMMAND, resources: s.worker.resources }),
          ],
        },
      },
    },
  };
}
