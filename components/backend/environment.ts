/**
 * The backend's environment: non-secret values in a ConfigMap, credentials in a Secret.
 * Both are immutable and autonamed, so any change makes a new object with a new name,
 * the pod templates that reference it change, and the Deployments roll.
 */
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { MANAGED_BY, PART_OF } from "./labels";
import { BackendSettings } from "./settings";

const labels = { "app.kubernetes.io/part-of": PART_OF, "app.kubernetes.io/managed-by": MANAGED_BY };

export function configMapManifest(s: BackendSettings): k8s.types.input.core.v1.ConfigMap {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { namespace: s.namespace, labels },
    immutable: true,
    data: { ...s.environment },
  };
}

/** The credentials; passwords are Pulumi secrets (generated or from secret config). */
export function secretManifest(
  s: BackendSettings,
  passwords: { readonly database: pulumi.Input<string>; readonly rabbitmq: pulumi.Input<string> },
): k8s.types.input.core.v1.Secret {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { namespace: s.namespace, labels },
    type: "Opaque",
    immutable: true,
    stringData: {
      POSTGRES_USER: s.database.user,
      POSTGRES_PASSWORD: passwords.database,
      RABBITMQ_USER: s.rabbitmq.user,
      RABBITMQ_PASSWORD: passwords.rabbitmq,
    },
  };
}
