/**
 * The backend's settings for one stack, derived from validated config: the rules that
 * span several keys (external services need hosts and passwords; run in the config parse)
 * and the derived values (image reference, requirement, environment variables). Pure.
 */
import { ConfigProblem } from "../config/keys";
import type { StackConfig } from "../program-config";
import { imageTagForVersion, requirement } from "../version/version";
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

const KEY = (name: string): string => `smartem:${name}`;

/**
 * The backend's rules across keys (run by loadStackConfig once every key parsed): each
 * external-only key is required with external services and refused in-cluster, where it
 * would be silently ignored; Keycloak needs its URL and realm together.
 */
export function backendConfigProblems(
  config: Pick<StackConfig, "backingServices" | "databaseHost" | "databasePassword" | "rabbitmqHost" | "rabbitmqPassword" | "keycloakUrl" | "keycloakRealm">,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const external = config.backingServices === "external";
  const externalOnly = {
    databaseHost: config.databaseHost,
    databasePassword: config.databasePassword,
    rabbitmqHost: config.rabbitmqHost,
    rabbitmqPassword: config.rabbitmqPassword,
  } as const;
  for (const [name, value] of Object.entries(externalOnly)) {
    const secret = name.endsWith("Password");
    if (external && value === undefined) {
      problems.push({
        key: KEY(name),
        value: "(unset)",
        message: `required when smartem:backingServices is external; allowed: a value when smartem:backingServices is external, set with \`pulumi config set${secret ? " --secret" : ""} ${KEY(name)} ...\``,
      });
    }
    if (!external && value !== undefined) {
      problems.push({
        key: KEY(name),
        value: secret ? "[secret]" : JSON.stringify(value),
        message: "only used when smartem:backingServices is external; in-cluster services are named and their passwords generated here; allowed: no value in-cluster (remove the key)",
      });
    }
  }
  if ((config.keycloakUrl === undefined) !== (config.keycloakRealm === undefined)) {
    const [set, unset] = config.keycloakUrl === undefined ? ["keycloakRealm", "keycloakUrl"] : ["keycloakUrl", "keycloakRealm"];
    problems.push({ key: KEY(unset), value: "(unset)", message: `required together with ${KEY(set)}; allowed: both set, or neither` });
  }
  return problems;
}

/** The settings of a config that loadStackConfig accepted (so backendConfigProblems found nothing). */
export function backendSettings(stack: string, config: StackConfig): BackendSettings {
  const external = config.backingServices === "external";
  const tag = imageTagForVersion(config.backendVersion);
  const digest = config.backendImageDigests?.[config.backendVersion];
  const image = `${config.backendImage}:${tag}${digest ? `@${digest}` : ""}`;
  const database = {
    host: external ? config.databaseHost! : OBJECT_NAMES.postgres,
    port: config.databasePort,
    user: config.databaseUser,
    name: config.databaseName,
  };
  const rabbitmq = {
    host: external ? config.rabbitmqHost! : OBJECT_NAMES.rabbitmq,
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
    backingServices: external
      ? { kind: "external", databasePassword: config.databasePassword!, rabbitmqPassword: config.rabbitmqPassword! }
      : { kind: "in-cluster", databaseStorage: config.databaseStorage, rabbitmqStorage: config.rabbitmqStorage },
    environment: Object.fromEntries(Object.entries(environment).sort(([a], [b]) => a.localeCompare(b))),
  };
}
