/** Stack config of the backend deployment. */
import { z } from "zod";
import { key } from "../config/keys";
import {
  DEPLOYABLE_VERSION_ALLOWED,
  DNS_LABEL_ALLOWED,
  FULLY_QUALIFIED_STACK_ALLOWED,
  REPLICAS_ALLOWED,
  deployableVersion,
  dnsLabel,
  fullyQualifiedStack,
  replicas,
} from "../config/rules";

export const backendConfig = {
  backendVersion: key({
    schema: deployableVersion,
    type: "string",
    description: "The released smartem-decisions version every backend container runs (roll forward or back by changing it).",
    allowed: DEPLOYABLE_VERSION_ALLOWED,
  }),
  namespace: key({
    schema: dnsLabel.default("smartem-decisions"),
    type: "string",
    description: "Kubernetes namespace of the backend.",
    allowed: DNS_LABEL_ALLOWED,
  }),
  apiReplicas: key({
    schema: replicas.default(1),
    type: "integer",
    description: "Number of HTTP API pods.",
    allowed: REPLICAS_ALLOWED,
  }),
  workerReplicas: key({
    schema: replicas.default(1),
    type: "integer",
    description: "Number of message-consumer worker pods.",
    allowed: REPLICAS_ALLOWED,
  }),
  allowPrerelease: key({
    schema: z.boolean().default(false),
    type: "boolean",
    description: "Whether this stack may run a pre-release (a/b/rc) backend version.",
    allowed: "true or false",
  }),
  allowDowngrade: key({
    schema: z.boolean().default(false),
    type: "boolean",
    description: "Whether this stack may move to a version lower than the one deployed now (a rollback).",
    allowed: "true or false",
  }),
  promoteFrom: key({
    schema: fullyQualifiedStack.optional(),
    type: "string",
    description:
      "The stack this stack takes its backend version from (production: staging), fully qualified; smartem:backendVersion must equal that stack's backendVersion output.",
    allowed: FULLY_QUALIFIED_STACK_ALLOWED,
  }),
  skipPromotionCheck: key({
    schema: z.boolean().default(false),
    type: "boolean",
    description: "Emergency override: take a backend version that the smartem:promoteFrom stack does not run.",
    allowed: "true or false",
  }),
} as const;
