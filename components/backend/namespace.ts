/** The stack's namespace, enforcing Pod Security Standard "restricted" on every pod. */
import type * as k8s from "@pulumi/kubernetes";
import { MANAGED_BY, PART_OF } from "./labels";

export const POD_SECURITY_LEVEL = "restricted";

export function namespaceManifest(name: string): k8s.types.input.core.v1.Namespace {
  return {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: {
      name,
      labels: {
        "pod-security.kubernetes.io/enforce": POD_SECURITY_LEVEL,
        "pod-security.kubernetes.io/enforce-version": "latest",
        "pod-security.kubernetes.io/warn": POD_SECURITY_LEVEL,
        "pod-security.kubernetes.io/audit": POD_SECURITY_LEVEL,
        "app.kubernetes.io/part-of": PART_OF,
        "app.kubernetes.io/managed-by": MANAGED_BY,
      },
    },
  };
}
