/**
 * The database migration of one backend version: a Job that runs `alembic upgrade head`
 * once, before the Deployments roll. Autonamed, so a new version (a new pod template)
 * replaces it with a new Job; `pulumi.com/replaceUnready` re-runs a failed one on the
 * next `pulumi up`. It also replaces a Job that is still running (an interrupted `up`), so
 * the Job is deleted before its replacement is created (backend.ts, deleteBeforeReplace), in
 * the foreground: its pods are gone before the next migration starts.
 */
import type * as k8s from "@pulumi/kubernetes";
import { AppIdentity, REQUIREMENT_ANNOTATION, appLabels } from "./labels";
import { EnvironmentRefs, backendContainer, backendPodBase } from "./pod";
import { BackendSettings } from "./settings";

export const MIGRATION_COMMAND = ["alembic", "upgrade", "head"];
/** Retries of a failing migration before the Job (and `pulumi up`) fails. */
export const MIGRATION_BACKOFF_LIMIT = 2;

export function migrationIdentity(s: BackendSettings): AppIdentity {
  return { name: "smartem-migration", instance: s.namespace, component: "migration", version: s.version };
}

export function migrationJob(s: BackendSettings, refs: EnvironmentRefs): k8s.types.input.batch.v1.Job {
  const labels = appLabels(migrationIdentity(s));
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: {
      namespace: s.namespace,
      labels,
      annotations: {
        [REQUIREMENT_ANNOTATION]: s.requirement,
        "pulumi.com/replaceUnready": "true",
        // The provider's default, stated: deleting the Job waits until its pods are gone.
        "pulumi.com/deletionPropagationPolicy": "foreground",
      },
    },
    spec: {
      backoffLimit: MIGRATION_BACKOFF_LIMIT,
      activeDeadlineSeconds: s.migrationTimeoutSeconds,
      template: {
        metadata: { labels, annotations: { [REQUIREMENT_ANNOTATION]: s.requirement } },
        spec: {
          ...backendPodBase(s),
          restartPolicy: "Never",
          containers: [
            backendContainer(s, refs, {
              name: "migrate",
              role: "migrate",
              command: MIGRATION_COMMAND,
              resources: s.worker.resources,
            }),
          ],
        },
      },
    },
  };
}
