/** Kubernetes objects of an evaluation, and their validation with kubernetes-models. */
import { Deployment } from "kubernetes-models/apps/v1";
import { Job } from "kubernetes-models/batch/v1";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1";
import { ConfigMap, Namespace, PersistentVolumeClaim, Secret, Service } from "kubernetes-models/v1";
import { TYPES } from "../../components/shared/project";
import { Evaluation, RegisteredResource } from "../../tools/engine/evaluate";

/** A Kubernetes object as the program hands it to the provider (inputs, plain values). */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { name?: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  readonly spec?: any;
  readonly [field: string]: any;
}

/** The Pulumi resource name with the object, for messages. */
export interface NamedObject {
  readonly resourceName: string;
  readonly object: KubeObject;
  readonly dependsOn: readonly string[];
  readonly urn: string;
}

/**
 * A hardened worker Deployment as the program registers it (pod and container security
 * context as the policies require), running `image`: the one variable the policies judge.
 * `custom: false` makes it a component resource, which policies skip.
 */
export function workerDeployment(name: string, image: string, custom = true): RegisteredResource {
  return {
    type: TYPES.deployment,
    name,
    urn: `urn:pulumi:test::smartem::${TYPES.deployment}::${name}`,
    custom,
    dependsOn: [],
    inputs: {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name, namespace: "smartem-decisions" },
      spec: {
        template: {
          spec: {
            securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
            containers: [
              {
                name: "worker",
                image,
                securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
              },
            ],
          },
        },
      },
    },
  };
}

/** An evaluation holding just `resources`: what the offline policy check and the render judge. */
export function evaluationOf(...resources: RegisteredResource[]): Evaluation {
  return { stack: "test", config: {}, resources, outputs: {}, releasePlans: [] };
}

export function kubeObjects(evaluation: Evaluation): NamedObject[] {
  return evaluation.resources
    .filter((r) => r.custom && r.type.startsWith("kubernetes:"))
    .map((r) => ({ resourceName: r.name, object: r.inputs as unknown as KubeObject, dependsOn: r.dependsOn, urn: r.urn }));
}

export function objectsOfKind(evaluation: Evaluation, kind: string): KubeObject[] {
  return kubeObjects(evaluation)
    .filter((o) => o.object.kind === kind)
    .map((o) => o.object);
}

export function objectNamed(evaluation: Evaluation, kind: string, name: string): KubeObject {
  const found = objectsOfKind(evaluation, kind).find((o) => o.metadata.name === name);
  if (!found)
    throw new Error(
      `no ${kind} ${name}; there are: ${objectsOfKind(evaluation, kind)
        .map((o) => o.metadata.name)
        .join(", ")}`,
    );
  return found;
}

const MODELS: Record<string, new (data: any) => { validate(): void }> = {
  "v1/Namespace": Namespace,
  "v1/ConfigMap": ConfigMap,
  "v1/Secret": Secret,
  "v1/Service": Service,
  "v1/PersistentVolumeClaim": PersistentVolumeClaim,
  "apps/v1/Deployment": Deployment,
  "batch/v1/Job": Job,
  "networking.k8s.io/v1/NetworkPolicy": NetworkPolicy,
  "policy/v1/PodDisruptionBudget": PodDisruptionBudget,
};

/**
 * Validates one object, as it is, against the Kubernetes schema (kubernetes-models 4.5,
 * ~1.33). A Secret's values are redacted per key by the engine, so its data is still a map.
 */
export function validateObject(object: KubeObject): void {
  const model = MODELS[`${object.apiVersion}/${object.kind}`];
  if (!model) throw new Error(`no kubernetes-models class registered for ${object.apiVersion} ${object.kind}`);
  new model(object).validate();
}

/** The pod template of a workload (Deployment or Job). */
export function podTemplate(object: KubeObject): {
  metadata: { labels: Record<string, string>; annotations?: Record<string, string> };
  spec: any;
} {
  return object.spec.template;
}

/** True when every label of `selector` is on `labels`. */
export function selects(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}
