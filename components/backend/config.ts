/** Stack config of the backend deployment. */
import { z } from "zod";
import { ConfigProblem, ConfigValues, Refined, SECRET_MARKER, UNSET_MARKER, configKeys, key } from "../config/keys";
import {
  DEPLOYABLE_VERSION_ALLOWED,
  DNS_LABEL_ALLOWED,
  FULLY_QUALIFIED_STACK_ALLOWED,
  HOST_NAME_ALLOWED,
  HTTP_ORIGIN_ALLOWED,
  REPLICAS_ALLOWED,
  deployableVersion,
  dnsLabel,
  fullyQualifiedStack,
  hostName,
  httpOrigin,
  replicas,
  urlHostProblem,
} from "../config/rules";
import { CONTAINER_RESOURCES_ALLOWED, DEFAULT_RESOURCES, containerResources, memoryQuantity } from "./resources";

const seconds = (min: number, max: number) => z.number().int().min(min).max(max);
const port = z.number().int().min(1).max(65535);
const PORT_ALLOWED = "an integer from 1 to 65535";
/** A user or database name passed to the backend as-is. */
const identifier = z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,62}$/, "not a plain name");
const IDENTIFIER_ALLOWED = "letters, digits, '_', '.', '-', starting with a letter or '_', at most 63 characters";
const password = z.string().min(16, "shorter than 16 characters");

export const BACKING_SERVICES = ["in-cluster", "external"] as const;

export const backendConfig = {
  backendVersion: key({
    schema: deployableVersion,
    description: "The released smartem-decisions version every backend container runs (roll forward or back by changing it).",
    allowed: DEPLOYABLE_VERSION_ALLOWED,
  }),
  namespace: key({
    schema: dnsLabel.default("smartem-decisions"),
    description: "Kubernetes namespace of the backend.",
    allowed: DNS_LABEL_ALLOWED,
  }),
  apiReplicas: key({
    schema: replicas.default(1),
    description: "Number of HTTP API pods.",
    allowed: REPLICAS_ALLOWED,
  }),
  workerReplicas: key({
    schema: replicas.default(1),
    description: "Number of message-consumer worker pods.",
    allowed: REPLICAS_ALLOWED,
  }),
  allowPrerelease: key({
    schema: z.boolean().default(false),
    description: "Whether this stack may run a pre-release (a/b/rc) backend version.",
    allowed: "true or false",
  }),
  allowDowngrade: key({
    schema: z.boolean().default(false),
    description: "Whether this stack may move to a version lower than the one deployed now (a rollback).",
    allowed: "true or false",
  }),
  backwardCompatibleMigrations: key({
    schema: z.array(deployableVersion).default([]),
    description:
      "Versions whose database migration the previous version still works with: when such a version's rollout fails after its migration ran, deploy.yml rolls the stack back on its own instead of opening an incident.",
    allowed: 'a list of deployable versions, e.g. ["0.2.0"] (default [])',
  }),
  promoteFrom: key({
    schema: fullyQualifiedStack.optional(),
    description:
      "The stack this stack takes its backend version from (production: staging), fully qualified; smartem:backendVersion must equal that stack's backendVersion output, and its promotionEvidence must show the same image digest and smartem:promotionSoakHours since its rollout.",
    allowed: FULLY_QUALIFIED_STACK_ALLOWED,
  }),
  skipPromotionCheck: key({
    schema: z.boolean().default(false),
    description:
      "Emergency override: take a backend version that the smartem:promoteFrom stack does not run, or has not proved (its promotion evidence, digest and soak time are not checked either); warned about on every run.",
    allowed: "true or false",
  }),
  promotionSoakHours: key({
    schema: z.number().int().min(0).max(720).optional(),
    description:
      "Hours that must pass after the smartem:promoteFrom stack rolled a version out (the time its cluster stamped) before this stack takes it; default 24 where smartem:promoteFrom is set, 0: no wait.",
    allowed: "an integer from 0 to 720 (30 days), only with smartem:promoteFrom",
  }),
  clusterName: key({
    schema: dnsLabel.optional(),
    description:
      "A stable name of the cluster this stack deploys to, the Kubernetes provider's clusterIdentifier: required by pulumi preview/up; change it only when the stack moves to another cluster (Pulumi then replaces every Kubernetes object).",
    allowed: DNS_LABEL_ALLOWED,
  }),
  kubeContext: key({
    schema: z.string().min(1).optional(),
    description: "The kubeconfig context of this stack's cluster (default: the kubeconfig's current context).",
    allowed: "the name of a context in your kubeconfig",
  }),
  backendImage: key({
    schema: z
      .string()
      .regex(/^[a-z0-9]+(?:[._-][a-z0-9]+)*(?::\d+)?(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)+$/, "not an image repository")
      .default("ghcr.io/diamondlightsource/smartem-decisions"),
    description: "The backend image repository; the tag is always smartem:backendVersion.",
    allowed: "an image repository without tag or digest, e.g. ghcr.io/diamondlightsource/smartem-decisions",
  }),
  backendImageDigests: key({
    // Keyed by version, so a bump of backendVersion can never keep running the old bytes.
    schema: z.record(deployableVersion, z.string().regex(/^sha256:[a-f0-9]{64}$/, "not a sha256 digest")).optional(),
    description:
      "Optional image digests by version; the one of backendVersion, if listed, pins the exact bytes (`<image>:<version>@<digest>`).",
    allowed: "a map from a deployable version to sha256: followed by 64 lower-case hex digits",
  }),
  imagePullSecret: key({
    schema: dnsLabel.default("ghcr-secret"),
    description: "The existing Secret in the namespace used to pull the backend image.",
    allowed: DNS_LABEL_ALLOWED,
  }),
  runAsUser: key({
    schema: z.number().int().min(1).max(2147483647).default(1000),
    description: "The non-root uid (and gid) the backend containers run as; the upstream image defaults to root.",
    allowed: "an integer from 1 to 2147483647 (0, root, is refused)",
  }),
  apiMaxSurge: key({
    schema: z.number().int().min(1).max(10).default(1),
    description: "Extra API pods a rolling update may start above apiReplicas (none is ever taken down first).",
    allowed: "an integer from 1 to 10",
  }),
  apiResources: key({
    schema: containerResources.default(DEFAULT_RESOURCES),
    description: "CPU and memory requests and limits of each API pod.",
    allowed: CONTAINER_RESOURCES_ALLOWED,
  }),
  workerResources: key({
    schema: containerResources.default(DEFAULT_RESOURCES),
    description: "CPU and memory requests and limits of each worker pod (and of the migration Job).",
    allowed: CONTAINER_RESOURCES_ALLOWED,
  }),
  rolloutTimeoutSeconds: key({
    schema: seconds(60, 3600).default(600),
    description:
      "How long a rollout may take before `pulumi up` fails (the Deployments' progressDeadlineSeconds and Pulumi's customTimeouts).",
    allowed: "an integer from 60 to 3600",
  }),
  migrationTimeoutSeconds: key({
    schema: seconds(60, 3600).default(600),
    description: "How long the migration Job may run (activeDeadlineSeconds) before the upgrade fails.",
    allowed: "an integer from 60 to 3600",
  }),
  workerTerminationGracePeriodSeconds: key({
    schema: seconds(30, 3600).default(300),
    description: "How long a stopping worker may finish its in-flight messages before it is killed.",
    allowed: "an integer from 30 to 3600",
  }),
  backingServices: key({
    schema: z.enum(BACKING_SERVICES).default("in-cluster"),
    description:
      "in-cluster: PostgreSQL and RabbitMQ run in the namespace (dev); external: the database* and rabbitmq* keys name them.",
    allowed: BACKING_SERVICES.join(" or "),
  }),
  databaseHost: key({
    schema: hostName.optional(),
    description: "External PostgreSQL host (backingServices: external).",
    allowed: HOST_NAME_ALLOWED,
  }),
  databasePort: key({ schema: port.default(5432), description: "PostgreSQL port.", allowed: PORT_ALLOWED }),
  databaseUser: key({
    schema: identifier.default("smartem"),
    description: "PostgreSQL user.",
    allowed: IDENTIFIER_ALLOWED,
  }),
  databaseName: key({
    schema: identifier.default("smartem"),
    description: "PostgreSQL database.",
    allowed: IDENTIFIER_ALLOWED,
  }),
  databasePassword: key({
    schema: password.optional(),
    secret: true,
    description: "External PostgreSQL password (`pulumi config set --secret`); in-cluster stacks generate theirs.",
    allowed: "a secret of at least 16 characters",
  }),
  rabbitmqHost: key({
    schema: hostName.optional(),
    description: "External RabbitMQ host (backingServices: external).",
    allowed: HOST_NAME_ALLOWED,
  }),
  rabbitmqPort: key({ schema: port.default(5672), description: "RabbitMQ AMQP port.", allowed: PORT_ALLOWED }),
  rabbitmqUser: key({
    schema: identifier.default("smartem"),
    description: "RabbitMQ user.",
    allowed: IDENTIFIER_ALLOWED,
  }),
  rabbitmqPassword: key({
    schema: password.optional(),
    secret: true,
    description: "External RabbitMQ password (`pulumi config set --secret`); in-cluster stacks generate theirs.",
    allowed: "a secret of at least 16 characters",
  }),
  rabbitmqVhost: key({
    schema: z.string().min(1).optional(),
    description: "RabbitMQ virtual host (RABBITMQ_VHOST).",
    allowed: "a non-empty vhost name, e.g. /",
  }),
  rabbitmqExchange: key({
    schema: z.string().min(1).optional(),
    description: "RabbitMQ exchange (RABBITMQ_EXCHANGE).",
    allowed: "a non-empty exchange name",
  }),
  databaseStorage: key({
    schema: memoryQuantity.default("10Gi"),
    description: "Size of the in-cluster PostgreSQL volume (dev).",
    allowed: "a size in Ki/Mi/Gi, e.g. 10Gi",
  }),
  rabbitmqStorage: key({
    schema: memoryQuantity.default("2Gi"),
    description: "Size of the in-cluster RabbitMQ volume (dev).",
    allowed: "a size in Ki/Mi/Gi, e.g. 2Gi",
  }),
  corsAllowedOrigins: key({
    schema: z.array(httpOrigin).min(1, "an empty list: remove the key instead").optional(),
    description: "Origins the API allows (CORS_ALLOWED_ORIGINS).",
    allowed: `a list of origins, each ${HTTP_ORIGIN_ALLOWED}`,
  }),
  logLevel: key({
    schema: z.enum(["DEBUG", "INFO", "WARNING", "ERROR"]).default("INFO"),
    description: "Backend log level (SMARTEM_LOG_LEVEL).",
    allowed: "DEBUG, INFO, WARNING or ERROR",
  }),
  environment: key({
    schema: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,30}$/, "not an environment name")
      .optional(),
    description: "The ENVIRONMENT the backend reports (default: the stack name).",
    allowed: "lower-case letters, digits and '-', e.g. production",
  }),
  keycloakUrl: key({
    schema: z
      .url({ protocol: /^https$/, error: "not an https URL" })
      .superRefine((text, ctx) => {
        const problem = urlHostProblem(new URL(text));
        if (problem) ctx.addIssue({ code: "custom", message: `not a host name: ${problem}` });
      })
      .optional(),
    description: "Keycloak base URL (KEYCLOAK_URL).",
    allowed: "an https URL whose host is a DNS name or IP address, e.g. https://auth.example.org",
  }),
  keycloakRealm: key({
    schema: z.string().min(1).optional(),
    description: "Keycloak realm (KEYCLOAK_REALM).",
    allowed: "a realm name",
  }),
  keycloakAllowedAzp: key({
    schema: z.string().min(1).optional(),
    description: "Authorised parties the API accepts (KEYCLOAK_ALLOWED_AZP).",
    allowed: "a client id, or several separated by commas",
  }),
} as const;

/** The backend's fully qualified keys: `BACKEND_KEY.backendVersion` is `smartem:backendVersion`. */
export const BACKEND_KEY = configKeys(backendConfig);

/** The backend's values as parsed key by key. */
export type BackendValues = ConfigValues<typeof backendConfig>;

/** Where PostgreSQL and RabbitMQ run, as the rules across keys leave it: external ones are named, in-cluster ones are ours. */
export type BackingServicesConfig =
  | {
      readonly backingServices: "in-cluster";
      readonly databaseHost?: undefined;
      readonly databasePassword?: undefined;
      readonly rabbitmqHost?: undefined;
      readonly rabbitmqPassword?: undefined;
    }
  | {
      readonly backingServices: "external";
      readonly databaseHost: string;
      /** From secret config; never printed. */
      readonly databasePassword: string;
      readonly rabbitmqHost: string;
      readonly rabbitmqPassword: string;
    };

/** The backend's config once its rules across keys hold. */
export type BackendConfig = BackendValues & BackingServicesConfig;

/**
 * The backend's rules across keys (run by loadStackConfig once every key parsed): each
 * external-only key is required with external services and refused in-cluster, where it
 * would be silently ignored; the promotion soak time needs a promotion source; Keycloak
 * needs its URL and realm together.
 */
export function refineBackendConfig<V extends BackendValues>(values: V): Refined<V & BackingServicesConfig> {
  const problems: ConfigProblem[] = [];
  const external = values.backingServices === "external";
  const externalOnly = {
    databaseHost: values.databaseHost,
    databasePassword: values.databasePassword,
    rabbitmqHost: values.rabbitmqHost,
    rabbitmqPassword: values.rabbitmqPassword,
  } as const;
  for (const [name, value] of Object.entries(externalOnly) as Array<[keyof typeof externalOnly, string | undefined]>) {
    const secret = backendConfig[name].secret === true;
    if (external && value === undefined) {
      problems.push({
        key: BACKEND_KEY[name],
        value: UNSET_MARKER,
        message: `required when ${BACKEND_KEY.backingServices} is external; allowed: a value when ${BACKEND_KEY.backingServices} is external, set with \`pulumi config set${secret ? " --secret" : ""} ${BACKEND_KEY[name]} ...\``,
      });
    }
    if (!external && value !== undefined) {
      problems.push({
        key: BACKEND_KEY[name],
        value: secret ? SECRET_MARKER : JSON.stringify(value),
        message: `only used when ${BACKEND_KEY.backingServices} is external; in-cluster services are named and their passwords generated here; allowed: no value in-cluster (remove the key)`,
      });
    }
  }
  if (values.promoteFrom === undefined && values.promotionSoakHours !== undefined) {
    problems.push({
      key: BACKEND_KEY.promotionSoakHours,
      value: String(values.promotionSoakHours),
      message: `only used with ${BACKEND_KEY.promoteFrom} (a stack that takes its version from another): set ${BACKEND_KEY.promoteFrom}, or remove the key`,
    });
  }
  if ((values.keycloakUrl === undefined) !== (values.keycloakRealm === undefined)) {
    const [set, unset] =
      values.keycloakUrl === undefined
        ? (["keycloakRealm", "keycloakUrl"] as const)
        : (["keycloakUrl", "keycloakRealm"] as const);
    problems.push({
      key: BACKEND_KEY[unset],
      value: UNSET_MARKER,
      message: `required together with ${BACKEND_KEY[set]}; allowed: both set, or neither`,
    });
  }
  // The rules above are what the union says: external names its services, in-cluster none.
  return problems.length > 0 ? { problems } : { config: values as V & BackingServicesConfig };
}
