/**
 * NetworkPolicies: nothing enters a pod of the namespace unless a policy here lets it;
 * the api takes traffic on its port only; the in-cluster database and broker take it
 * only from the backend's own pods. Egress is open (external database, Keycloak).
 */
import type * as k8s from "@pulumi/kubernetes";
import { AppIdentity, BACKEND_CLIENTS, MANAGED_BY, PART_OF, selectorLabels } from "./labels";
import { API_PORT } from "./names";

type NetworkPolicy = k8s.types.input.networking.v1.NetworkPolicy;

const labels = { "app.kubernetes.io/part-of": PART_OF, "app.kubernetes.io/managed-by": MANAGED_BY };

export function denyAllIngress(namespace: string): NetworkPolicy {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: "smartem-deny-ingress", namespace, labels },
    spec: { podSelector: {}, policyTypes: ["Ingress"], ingress: [] },
  };
}

export function apiIngress(api: AppIdentity): NetworkPolicy {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: `${api.name}-ingress`, namespace: api.instance, labels },
    spec: {
      podSelector: { matchLabels: selectorLabels(api) },
      policyTypes: ["Ingress"],
      ingress: [{ ports: [{ port: API_PORT, protocol: "TCP" }] }],
    },
  };
}

/** A backing service reachable on its port from the backend's pods only. */
export function backendClientsOnly(service: AppIdentity, port: number): NetworkPolicy {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: `${service.name}-ingress`, namespace: service.instance, labels },
    spec: {
      podSelector: { matchLabels: selectorLabels(service) },
      policyTypes: ["Ingress"],
      ingress: [
        {
          from: [
            {
              podSelector: {
                matchLabels: { "app.kubernetes.io/part-of": PART_OF, "app.kubernetes.io/instance": service.instance },
                matchExpressions: [{ key: "app.kubernetes.io/component", operator: "In", values: [...BACKEND_CLIENTS] }],
              },
            },
          ],
          ports: [{ port, protocol: "TCP" }],
        },
      ],
    },
  };
}
