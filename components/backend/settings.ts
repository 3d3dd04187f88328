/**
 * The backend's settings for one stack, derived from its validated config (the rules across
 * its keys are in ./config.ts, run in the config parse): the image reference, the
 * requirement, the environment variables. Pure.
 */
import { imageTagForVersion, requirement } from "../version/version";
import { BackendConfig } from "./config";
import { API_PORT, BACKEND_EXTRAS, BACKEND_PACKAGE, OBJECT_NAMES } from "./names";
import { ContainerResources } from "./resources";

export interface ServiceEndpoint {
  readonly host: string;
  readonly port: number;
  readonly user: string;
}

/** Where PostgreSQL and RabbitMQ run and how their passwords are found. */
export type BackingServicesSettings =
  | {
      readonly kind: "in-cluster";
      readonly databaseStorage: string;
      readonly rabbitmqStorage: string;
    }
  | {
      readonly kind: "external";
      /** From secret config; never printed. */
      readonly databasePassword: string;
      readonly rabbitmqPassword: string;
    };

export interface BackendSettings {
  readonly stack: string;
  readonly namespace: string;
  readonly version: string;
  /** `<image>:<version>` or `<image>:<version>@sha256:...`. */
  readonly image: string;
  /** The digest `image` pins (`smartem:backendImageDigests` of the version); undefined: the tag alone. */
  readonly imageDigest?: string;
  /** `smartem-decisions[backend]==<version>`. */
  readonly requirement: string;
  readonly imagePullSecret: string;
  readonly runAsUser: number;
  readonly api: { readonly replicas: number; readonly maxSurge: number; readonly resources: ContainerResources };
  readonly worker: {
    readonly replicas: number;
    readonly resources: ContainerResources;
    readonly terminationGracePeriodSeconds: number;
  };
  readonly rolloutTimeoutSeconds: number;
  readonly migrationTimeoutSeconds: number;
  readonly database: ServiceEndpoint & { readonly name: string };
  readonly rabbitmq: ServiceEndpoint;
  readonly backingServices: BackingServicesSettings;
  /** Non-secret environment of every backend container (the ConfigMap). */
  readonly environment: Readonly<Record<string, string>>;
}

/** The settings of a stack's backend config. */
export function backendSettings(stack: string, config: BackendConfig): BackendSettings {
  const tag = imageTagForVersion(config.backendVersion);
  const digest = config.backendImageDigests?.[config.backendVersion];
  const image = `${config.backendImage}:${tag}${digest ? `@${digest}` : ""}`;
  const database = {
    host: config.backingServices === "external" ? config.databaseHost : OBJECT_NAMES.postgres,
    port: config.databasePort,
    user: config.databaseUser,
    name: config.databaseName,
  };
  const rabbitmq = {
    host: config.backingServices === "external" ? config.rabbitmqHost : OBJECT_NAMES.rabbitmq,
    port: config.rabbitmqPort,
    user: config.rabbitmqUser,
  };

  const optional: Record<string, string | undefined> = {
    RABBITMQ_VHOST: config.rabbitmqVhost,
    RABBITMQ_EXCHANGE: config.rabbitmqExchange,
    CORS_ALLOWED_ORIGINS: config.corsAllowedOrigins?.join(","),
    KEYCLOAK_URL: config.keycloakUrl,
    KEYCLOAK_REALM: config.keycloakRealm,
    KEYCLOAK_ALLOWED_AZP: config.keycloakAllowedAzp,
  };
  const environment: Record<string, string> = {
    ENVIRONMENT: config.environment ?? stack,
    HTTP_API_PORT: String(API_PORT),
    POSTGRES_DB: database.name,
    POSTGRES_HOST: database.host,
    POSTGRES_PORT: String(database.port),
    RABBITMQ_HOST: rabbitmq.host,
    RABBITMQ_PORT: String(rabbitmq.port),
    SMARTEM_LOG_LEVEL: config.logLevel,
  };
  for (const [name, value] of Object.entries(optional)) if (value !== undefined) environment[name] = value;

  return {
    stack,
    namespace: config.namespace,
    version: config.backendVersion,
    image,
    ...(digest ? { imageDigest: digest } : {}),
    requirement: requirement(BACKEND_PACKAGE, config.backendVersion, BACKEND_EXTRAS),
    imagePullSecret: config.imagePullSecret,
    runAsUser: config.runAsUser,
    api: { replicas: config.apiReplicas, maxSurge: config.apiMaxSurge, resources: config.apiResources },
    worker: {
      replicas: config.workerReplicas,
      resources: config.workerResources,
      terminationGracePeriodSeconds: config.workerTerminationGracePeriodSeconds,
    },
    rolloutTimeoutSeconds: config.rolloutTimeoutSeconds,
    migrationTimeoutSeconds: config.migrationTimeoutSeconds,
    database,
    rabbitmq,
    backingServices:
      config.backingServices === "external"
        ? { kind: "external", databasePassword: config.databasePassword, rabbitmqPassword: config.rabbitmqPassword }
        : { kind: "in-cluster", databaseStorage: config.databaseStorage, rabbitmqStorage: config.rabbitmqStorage },
    environment: Object.fromEntries(Object.entries(environment).sort(([a], [b]) => a.localeCompare(b))),
  };
}
