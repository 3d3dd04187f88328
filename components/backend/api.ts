/**
 * The HTTP API: a Deployment that rolls without ever dropping below its replica count,
 * gated on GET /health, its Service (80 -> 8000) and, with two or more replicas, a
 * PodDisruptionBudget.
 */
import type * as k8s from "@pulumi/kubernetes";
import { AppIdentity, selectorLabels, stableLabels } from "./labels";
import { API_PORT, API_SERVICE_PORT, OBJECT_NAMES } from "./names";
import { EnvironmentRefs, backendContainer, rollingDeployment } from "./pod";
import { BackendSettings } from "./settings";

/** Readiness: checks the database and RabbitMQ (503 when either is down): takes a pod out of the Service. */
export const READINESS_PATH = "/health";
/** Liveness: static, so a database outage never restarts every api pod. */
export const LIVENESS_PATH = "/status";

/** uvicorn's own graceful shutdown after SIGTERM. */
export const UVICORN_GRACEFUL_SHUTDOWN_SECONDS = 30;
/** Time for endpoints and load balancers to stop sending new requests before SIGTERM. */
export const PRESTOP_SLEEP_SECONDS = 10;
export const API_TERMINATION_GRACE_SECONDS = PRESTOP_SLEEP_SECONDS + UVICORN_GRACEFUL_SHUTDOWN_SECONDS + 15;
/**
 * uvicorn directly: the image's start script runs `alembic upgrade head` first when
 * ROLE=api, which would race across replicas; the migration Job does that once instead.
 */
export const API_COMMAND = [
  "uvicorn",
  "smartem_backend.api_server:app",
  "--host",
  "0.0.0.0",
  "--port",
  String(API_PORT),
  "--timeout-graceful-shutdown",
  String(UVICORN_GRACEFUL_SHUTDOWN_SECONDS),
];

/** A PodDisruptionBudget only makes sense with at least this many replicas. */
export const PDB_MIN_REPLICAS = 2;

export function apiIdentity(s: BackendSettings): AppIdentity {
  return { name: OBJECT_NAMES.api, instance: s.namespace, component: "api", version: s.version };
}

export function apiDeployment(s: BackendSettings, refs: EnvironmentRefs): k8s.types.input.apps.v1.Deployment {
  const id = apiIdentity(s);
  const container = backendContainer(s, refs, { name: "api", role: "api", command: API_COMMAND, resources: s.api.resources });
  return rollingDeployment(
    s,
    id,
    { replicas: s.api.replicas, maxSurge: s.api.maxSurge },
    {
      terminationGracePeriodSeconds: API_TERMINATION_GRACE_SECONDS,
      topologySpreadConstraints: [
        {
          maxSkew: 1,
          topologyKey: "kubernetes.io/hostname",
          whenUnsatisfiable: "ScheduleAnyway",
          labelSelector: { matchLabels: selectorLabels(id) },
        },
      ],
      containers: [
        {
          ...container,
          ports: [{ name: "http", containerPort: API_PORT, protocol: "TCP" }],
          startupProbe: {
            httpGet: { path: LIVENESS_PATH, port: "http" },
            periodSeconds: 2,
            timeoutSeconds: 2,
            failureThreshold: 60,
          },
          readinessProbe: {
            httpGet: { path: READINESS_PATH, port: "http" },
            periodSeconds: 5,
            timeoutSeconds: 3,
            failureThreshold: 2,
          },
          livenessProbe: {
            httpGet: { path: LIVENESS_PATH, port: "http" },
            periodSeconds: 10,
            timeoutSeconds: 3,
            failureThreshold: 3,
          },
          lifecycle: { preStop: { exec: { command: ["sleep", String(PRESTOP_SLEEP_SECONDS)] } } },
        },
      ],
    },
  );
}

export function apiService(s: BackendSettings): k8s.types.input.core.v1.Service {
  const id = apiIdentity(s);
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: OBJECT_NAMES.apiService, namespace: s.namespace, labels: stableLabels(id) },
    spec: {
      type: "ClusterIP",
      selector: selectorLabels(id),
      ports: [{ name: "http", port: API_SERVICE_PORT, targetPort: API_PORT, protocol: "TCP" }],
    },
  };
}

/** At most one pod of a workload voluntarily evicted at a time; undefined below two replicas. */
export function podDisruptionBudget(
  id: AppIdentity,
  replicas: number,
): k8s.types.input.policy.v1.PodDisruptionBudget | undefined {
  if (replicas < PDB_MIN_REPLICAS) return undefined;
  return {
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    metadata: { name: id.name, namespace: id.instance, labels: stableLabels(id) },
    // An unready pod (say, /health failing while a dependency is down) may always be evicted:
    // otherwise it would block node drains for as long as the outage lasts.
    spec: { maxUnavailable: 1, unhealthyPodEvictionPolicy: "AlwaysAllow", selector: { matchLabels: selectorLabels(id) } },
  };
}
