/**
 * The self-contained stacks' PostgreSQL and RabbitMQ: official images pinned by exact
 * version, one pod each on a PersistentVolumeClaim, restricted like every pod here.
 * Credentials come from the backend's Secret (the official images read the same names).
 */
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { AppIdentity, appLabels, selectorLabels } from "./labels";
import { OBJECT_NAMES } from "./names";
import { containerSecurityContext, podSecurityContext, scratchVolumes } from "./pod";
import { BackendSettings } from "./settings";

/** An image pinned by exact version, and the uid/gid its image runs its service as. */
interface PinnedImage {
  readonly repository: string;
  readonly version: string;
  readonly suffix: string;
  readonly uid: number;
  readonly gid: number;
}

export const POSTGRES_IMAGE: PinnedImage = { repository: "postgres", version: "17.6", suffix: "", uid: 999, gid: 999 };
export const RABBITMQ_IMAGE: PinnedImage = {
  repository: "rabbitmq",
  version: "4.1.4",
  suffix: "-management-alpine",
  uid: 100,
  gid: 101,
};

export function imageReference(image: PinnedImage): string {
  return `${image.repository}:${image.version}${image.suffix}`;
}

const BACKING_RESOURCES = { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "500m", memory: "512Mi" } };

export interface BackingService {
  readonly id: AppIdentity;
  readonly port: number;
  readonly claim: k8s.types.input.core.v1.PersistentVolumeClaim;
  readonly deployment: k8s.types.input.apps.v1.Deployment;
  readonly service: k8s.types.input.core.v1.Service;
}

interface ServiceSpec {
  readonly id: AppIdentity;
  readonly image: PinnedImage;
  readonly port: { readonly name: string; readonly number: number };
  readonly storage: string;
  readonly dataPath: string;
  readonly scratch: Readonly<Record<string, string>>;
  readonly env: k8s.types.input.core.v1.EnvVar[];
  readonly probe: string[];
}

function backingService(s: BackendSettings, spec: ServiceSpec): BackingService {
  const { id, image } = spec;
  const labels = appLabels(id);
  const metadata = { name: id.name, namespace: s.namespace, labels };
  const scratch = scratchVolumes(spec.scratch);
  const exec = { command: spec.probe };
  return {
    id,
    port: spec.port.number,
    claim: {
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata,
      spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: spec.storage } } },
    },
    deployment: {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata,
      spec: {
        replicas: 1,
        // One pod owns the ReadWriteOnce volume: stop the old before starting the new.
        strategy: { type: "Recreate" },
        selector: { matchLabels: selectorLabels(id) },
        template: {
          metadata: { labels },
          spec: {
            securityContext: podSecurityContext(image.uid, image.gid),
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            terminationGracePeriodSeconds: 60,
            containers: [
              {
                name: id.component,
                image: imageReference(image),
                imagePullPolicy: "IfNotPresent",
                env: spec.env,
                ports: [{ name: spec.port.name, containerPort: spec.port.number, protocol: "TCP" }],
                resources: BACKING_RESOURCES,
                securityContext: containerSecurityContext(image.uid, image.gid),
                startupProbe: { exec, periodSeconds: 5, timeoutSeconds: 10, failureThreshold: 60 },
                readinessProbe: { exec, periodSeconds: 10, timeoutSeconds: 10, failureThreshold: 3 },
                livenessProbe: { exec, periodSeconds: 30, timeoutSeconds: 15, failureThreshold: 4 },
                volumeMounts: [{ name: "data", mountPath: spec.dataPath }, ...scratch.mounts],
              },
            ],
            volumes: [{ name: "data", persistentVolumeClaim: { claimName: id.name } }, ...scratch.volumes],
          },
        },
      },
    },
    service: {
      apiVersion: "v1",
      kind: "Service",
      metadata,
      spec: {
        type: "ClusterIP",
        selector: selectorLabels(id),
        ports: [{ name: spec.port.name, port: spec.port.number, targetPort: spec.port.name, protocol: "TCP" }],
      },
    },
  };
}

const fromSecret = (secret: pulumi.Input<string>, name: string, key: string): k8s.types.input.core.v1.EnvVar => ({
  name,
  valueFrom: { secretKeyRef: { name: secret, key } },
});

export function postgres(s: BackendSettings, storage: string, secret: pulumi.Input<string>): BackingService {
  const { user, name, port } = s.database;
  return backingService(s, {
    id: { name: OBJECT_NAMES.postgres, instance: s.namespace, component: "database", version: POSTGRES_IMAGE.version },
    image: POSTGRES_IMAGE,
    port: { name: "postgres", number: port },
    storage,
    dataPath: "/var/lib/postgresql/data",
    // The socket directory and /tmp must be writable on a read-only root.
    scratch: { run: "/var/run/postgresql", tmp: "/tmp" },
    env: [
      fromSecret(secret, "POSTGRES_USER", "POSTGRES_USER"),
      fromSecret(secret, "POSTGRES_PASSWORD", "POSTGRES_PASSWORD"),
      { name: "POSTGRES_DB", value: name },
      { name: "PGPORT", value: String(port) },
      // A subdirectory: the volume root may hold lost+found, which initdb refuses.
      { name: "PGDATA", value: "/var/lib/postgresql/data/pgdata" },
    ],
    probe: ["pg_isready", "--host", "127.0.0.1", "--port", String(port), "--username", user, "--dbname", name],
  });
}

export function rabbitmq(s: BackendSettings, storage: string, secret: pulumi.Input<string>): BackingService {
  return backingService(s, {
    id: { name: OBJECT_NAMES.rabbitmq, instance: s.namespace, component: "broker", version: RABBITMQ_IMAGE.version },
    image: RABBITMQ_IMAGE,
    port: { name: "amqp", number: s.rabbitmq.port },
    storage,
    dataPath: "/var/lib/rabbitmq",
    scratch: { tmp: "/tmp" },
    env: [
      fromSecret(secret, "RABBITMQ_DEFAULT_USER", "RABBITMQ_USER"),
      fromSecret(secret, "RABBITMQ_DEFAULT_PASS", "RABBITMQ_PASSWORD"),
      // A fixed node name keeps the data directory across pods (it is named after the node).
      { name: "RABBITMQ_NODENAME", value: "rabbit@localhost" },
      { name: "RABBITMQ_NODE_PORT", value: String(s.rabbitmq.port) },
    ],
    probe: ["rabbitmq-diagnostics", "-q", "ping"],
  });
}
