/**
 * `smartem:backend:Backend`: the backend of one stack on Kubernetes. Turns the pure
 * manifests of this folder into resources, in the order an upgrade needs:
 * namespace, environment, (dev) database and broker, the migration Job, then the
 * api and worker Deployments, which depend on the Job.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { TYPES } from "../shared/project";
import { apiDeployment, apiIdentity, apiService, podDisruptionBudget } from "./api";
import { postgres, rabbitmq } from "./backing-services";
import { configMapManifest, secretManifest } from "./environment";
import { KubernetesCluster, kubernetesProviderArgs } from "./kubernetes-provider";
import { migrationJob } from "./migration";
import { migrationJobResourceName } from "./names";
import { namespaceManifest } from "./namespace";
import { PromotionEvidence, promotionEvidence } from "./promotion-evidence";
import { apiIngress, backendClientsOnly, denyAllIngress } from "./network";
import { BackendSettings } from "./settings";
import { workerDeployment, workerIdentity } from "./worker";

export interface BackendArgs {
  /** Validated settings of this stack (see settings.ts `backendSettings`). */
  readonly settings: BackendSettings;
  /** The stack's cluster: kubeconfig contents, clusterIdentifier, context (see kubernetes-provider.ts). */
  readonly cluster: KubernetesCluster;
  /**
   * Whether this version's migration Job runs before the Deployments roll. False for a
   * rollback: the older code cannot migrate a newer schema (see deployed-version.ts).
   * @default true
   */
  readonly migrate?: boolean;
  /**
   * With `migrate: false`: this version's migration completed here in an earlier rollout
   * (deployed-version.ts `migratedEarlier`), which its promotion evidence keeps saying.
   * @default false
   */
  readonly migratedEarlier?: boolean;
}

/**
 * The provider's per-object switch to force server-side apply. Without it, a field someone
 * changed with kubectl belongs to kubectl's field manager: the real engine then fails both
 * `pulumi preview --refresh` and `pulumi up` with a field conflict (seen in the e2e `drift`
 * scenario), so the nightly drift check reports an error instead of drift and `up` cannot
 * restore the object. This stack owns its objects: `up` takes the fields back.
 */
export const PATCH_FORCE_ANNOTATION = "pulumi.com/patchForce";

/** Marks every Kubernetes object of the backend with {@link PATCH_FORCE_ANNOTATION}. */
const ownAgainstEdits: pulumi.ResourceTransformation = (args) => {
  if (!args.type.startsWith("kubernetes:")) return undefined;
  const metadata = (args.props.metadata ?? {}) as { annotations?: Record<string, string> };
  const annotations = { ...metadata.annotations, [PATCH_FORCE_ANNOTATION]: "true" };
  return { props: { ...args.props, metadata: { ...metadata, annotations } }, opts: args.opts };
};

/** Extra time over a Kubernetes deadline for scheduling and image pulls. */
const TIMEOUT_MARGIN_SECONDS = 120;

export class Backend extends pulumi.ComponentResource {
  /** The namespace everything lives in. */
  readonly namespace: pulumi.Output<string>;
  /** The name of this version's migration Job (undefined for a rollback, which runs none). */
  readonly migrationJob: pulumi.Output<string | undefined>;
  /** The backend version, known only once both Deployments rolled out. */
  readonly rolledOutVersion: pulumi.Output<string>;
  /** The backend version, known once its migration Job completed (undefined without a Job). */
  readonly migratedVersion: pulumi.Output<string | undefined>;
  /**
   * What this rollout proves for a promotion (promotion-evidence.ts), known only once both
   * Deployments rolled out: from their status as the provider read it back after the await.
   */
  readonly promotionEvidence: pulumi.Output<PromotionEvidence>;

  constructor(name: string, args: BackendArgs, opts?: pulumi.ComponentResourceOptions) {
    super(TYPES.backend, name, {}, { ...opts, transformations: [...(opts?.transformations ?? []), ownAgainstEdits] });
    const s = args.settings;

    const provider = new k8s.Provider(`${name}-k8s`, kubernetesProviderArgs(args.cluster), { parent: this });
    const base: pulumi.CustomResourceOptions = { parent: this, provider };
    // Kept when the stack is destroyed or the namespace renamed: it also holds what Pulumi does
    // not own (the image pull secret, anything an operator added).
    const namespace = new k8s.core.v1.Namespace(`${name}-namespace`, namespaceManifest(s.namespace), {
      ...base,
      retainOnDelete: true,
    });
    const inNamespace: pulumi.CustomResourceOptions = { ...base, dependsOn: [namespace] };

    new k8s.networking.v1.NetworkPolicy(`${name}-deny-ingress`, denyAllIngress(s.namespace), inNamespace);
    new k8s.networking.v1.NetworkPolicy(`${name}-http-api-ingress`, apiIngress(apiIdentity(s)), inNamespace);

    const services = s.backingServices;
    const passwords =
      services.kind === "external"
        ? { database: pulumi.secret(services.databasePassword), rabbitmq: pulumi.secret(services.rabbitmqPassword) }
        : {
            // Alphanumeric: safe inside the connection URLs built from them.
            database: new random.RandomPassword(`${name}-postgres-password`, { length: 32, special: false }, { parent: this })
              .result,
            rabbitmq: new random.RandomPassword(`${name}-rabbitmq-password`, { length: 32, special: false }, { parent: this })
              .result,
          };
    const configMap = new k8s.core.v1.ConfigMap(`${name}-config`, configMapManifest(s), inNamespace);
    const secret = new k8s.core.v1.Secret(`${name}-secrets`, secretManifest(s, passwords), inNamespace);
    const refs = { configMap: configMap.metadata.name, secret: secret.metadata.name };

    const backing: pulumi.Resource[] = [];
    if (services.kind === "in-cluster") {
      const inCluster = {
        postgres: postgres(s, services.databaseStorage, refs.secret),
        rabbitmq: rabbitmq(s, services.rabbitmqStorage, refs.secret),
      };
      for (const [suffix, service] of Object.entries(inCluster)) {
        const child = `${name}-${suffix}`;
        new k8s.networking.v1.NetworkPolicy(`${child}-ingress`, backendClientsOnly(service.id, service.port), inNamespace);
        const claim = new k8s.core.v1.PersistentVolumeClaim(child, service.claim, inNamespace);
        backing.push(new k8s.apps.v1.Deployment(child, service.deployment, { ...inNamespace, dependsOn: [namespace, claim] }));
        new k8s.core.v1.Service(child, service.service, inNamespace);
      }
    }

    const job =
      (args.migrate ?? true)
        ? new k8s.batch.v1.Job(migrationJobResourceName(name), migrationJob(s, refs), {
            ...base,
            dependsOn: [namespace, ...backing],
            customTimeouts: timeouts(s.migrationTimeoutSeconds + TIMEOUT_MARGIN_SECONDS),
            // replaceUnready replaces a Job that failed, and also one still running (an earlier
            // `up` interrupted mid-migration). Delete first, so that the old Job and its pods
            // (the provider deletes in the foreground) are gone before a new migration starts:
            // never two migrations of one database at once.
            deleteBeforeReplace: true,
          })
        : undefined;

    // Both Deployments wait for this version's migration: a failed Job leaves them untouched.
    const rollout: pulumi.CustomResourceOptions = {
      ...base,
      dependsOn: [namespace, ...backing, ...(job ? [job] : [])],
      customTimeouts: timeouts(s.rolloutTimeoutSeconds),
    };
    const api = new k8s.apps.v1.Deployment(`${name}-http-api`, apiDeployment(s, refs), rollout);
    const worker = new k8s.apps.v1.Deployment(`${name}-worker`, workerDeployment(s, refs), rollout);
    new k8s.core.v1.Service(`${name}-http-api-service`, apiService(s), inNamespace);
    for (const [suffix, budget] of [
      ["http-api", podDisruptionBudget(apiIdentity(s), s.api.replicas)],
      ["worker", podDisruptionBudget(workerIdentity(s), s.worker.replicas)],
    ] as const) {
      if (budget) new k8s.policy.v1.PodDisruptionBudget(`${name}-${suffix}`, budget, inNamespace);
    }

    this.namespace = namespace.metadata.name;
    this.migrationJob = job ? job.metadata.name : pulumi.output(undefined);
    this.rolledOutVersion = pulumi.all([api.id, worker.id]).apply(() => s.version);
    this.migratedVersion = job ? job.id.apply(() => s.version) : pulumi.output(undefined);
    // The ids resolve with the rest of each Deployment's outputs: after its await succeeded.
    this.promotionEvidence = pulumi
      .all([api.id, worker.id, api.metadata, api.status, worker.metadata, worker.status])
      .apply(([, , apiMetadata, apiStatus, workerMetadata, workerStatus]) =>
        promotionEvidence({
          version: s.version,
          ...(s.imageDigest !== undefined ? { digest: s.imageDigest } : {}),
          migrated: job !== undefined || (args.migratedEarlier ?? false),
          deployments: [
            { metadata: apiMetadata, status: apiStatus },
            { metadata: workerMetadata, status: workerStatus },
          ],
        }),
      );
    this.registerOutputs({
      namespace: this.namespace,
      migrationJob: this.migrationJob,
      rolledOutVersion: this.rolledOutVersion,
      migratedVersion: this.migratedVersion,
      promotionEvidence: this.promotionEvidence,
    });
  }
}

/** `pulumi up` fails (leaving the old pods serving) once a rollout exceeds this. */
function timeouts(seconds: number): pulumi.CustomTimeouts {
  return { create: `${seconds}s`, update: `${seconds}s` };
}
