/**
 * The files under `k8s/` of a real render, read back from disk: each one an object that
 * `kubectl apply` takes as it is. kubernetes-models checks the schema (types, required
 * fields); what it does not check is checked here: names, namespaces, file names, fields
 * Kubernetes does not know, selectors against labels, and that every ConfigMap or Secret a
 * pod refers to is in the render under that name.
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as YAML from "yaml";

import { evaluateOffline } from "../../../tools/engine/offline";
import { listStacks } from "../../../tools/engine/stack-file";
import { readTree } from "../../../tools/render/golden";
import { runRender } from "../../../tools/render/render-run";
import { KubeObject, podTemplate, selects, validateObject } from "../../support/kubernetes";
import { SECRET_MARKER } from "../../../components/config/keys";

/** RFC 1123 label: valid as the name of every kind rendered (a Service or Namespace needs a label, a Job's name becomes a pod label). */
const RFC1123_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** Keys of a ConfigMap's or Secret's data (Kubernetes: `[-._a-zA-Z0-9]+`). */
const DATA_KEY = /^[-._a-zA-Z0-9]+$/;
const CLUSTER_SCOPED = new Set(["Namespace"]);
/** The top-level fields Kubernetes knows for each kind rendered; anything else (a Pulumi-only field) is refused. */
const TOP_LEVEL: Readonly<Record<string, readonly string[]>> = {
  Namespace: ["spec"],
  ConfigMap: ["data", "binaryData", "immutable"],
  Secret: ["data", "stringData", "type", "immutable"],
};
const METADATA = ["name", "namespace", "labels", "annotations"];

interface RenderedObject {
  readonly file: string;
  readonly folder: string;
  readonly object: KubeObject;
}

function readObjects(renderDir: string): RenderedObject[] {
  return [...readTree(path.join(renderDir, "k8s"))].map(([file, text]) => {
    const documents = YAML.parseAllDocuments(text);
    expect(documents, `${file}: one YAML document`).to.have.length(1);
    expect(documents[0]!.errors, `${file}: YAML errors`).to.deep.equal([]);
    return { file, folder: file.split("/")[0]!, object: documents[0]!.toJS() as KubeObject };
  });
}

/** Every key anywhere in a value, with its path. */
function keyPaths(value: unknown, at = ""): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => keyPaths(v, `${at}[${i}]`));
  if (value && typeof value === "object")
    return Object.entries(value).flatMap(([k, v]) => [`${at}.${k}`, ...keyPaths(v, `${at}.${k}`)]);
  return [];
}

/** The names of the ConfigMaps and Secrets a pod spec reads. */
function referencedNames(pod: any): { ConfigMap: string[]; Secret: string[] } {
  const containers = [...(pod.initContainers ?? []), ...pod.containers];
  const refs = { ConfigMap: [] as string[], Secret: [] as string[] };
  for (const c of containers) {
    for (const from of c.envFrom ?? []) {
      if (from.configMapRef) refs.ConfigMap.push(from.configMapRef.name);
      if (from.secretRef) refs.Secret.push(from.secretRef.name);
    }
    for (const env of c.env ?? []) {
      if (env.valueFrom?.configMapKeyRef) refs.ConfigMap.push(env.valueFrom.configMapKeyRef.name);
      if (env.valueFrom?.secretKeyRef) refs.Secret.push(env.valueFrom.secretKeyRef.name);
    }
  }
  for (const volume of pod.volumes ?? []) {
    if (volume.configMap) refs.ConfigMap.push(volume.configMap.name);
    if (volume.secret) refs.Secret.push(volume.secret.secretName);
  }
  return refs;
}

describe("rendered Kubernetes files are applicable as they are", () => {
  let tmp: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "k8s-files-"));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  for (const stack of listStacks()) {
    describe(stack, () => {
      let objects: RenderedObject[];
      before(async () => {
        // What `npm run render -- --stack <stack> --out <dir>` writes.
        const out = path.join(tmp, stack);
        await runRender(await evaluateOffline(stack), out);
        objects = readObjects(out);
      });

      it("every file is valid against the Kubernetes schema (kubernetes-models), unpatched", () => {
        expect(objects.length).to.be.greaterThan(5);
        for (const { file, object } of objects) expect(() => validateObject(object), file).not.to.throw();
      });

      it("every object has an RFC 1123 name, the one its file is named by, and namespaced kinds a namespace (their folder)", () => {
        for (const { file, folder, object } of objects) {
          const { name, namespace } = object.metadata;
          expect(name, `${file}: metadata.name`).to.be.a("string").and.match(RFC1123_LABEL);
          expect(path.basename(file), file).to.equal(`${object.kind.toLowerCase()}-${name}.yaml`);
          if (CLUSTER_SCOPED.has(object.kind)) {
            expect(namespace, `${file}: a cluster-scoped object has no namespace`).to.equal(undefined);
            expect(folder, file).to.equal(name);
          } else {
            expect(namespace, `${file}: metadata.namespace`).to.be.a("string").and.match(RFC1123_LABEL);
            expect(folder, `${file}: its folder is its namespace`).to.equal(namespace);
          }
        }
      });

      it("no field Kubernetes does not know (nothing Pulumi-only), no redacted value outside a Secret's data", () => {
        for (const { file, object } of objects) {
          const allowed = ["apiVersion", "kind", "metadata", ...(TOP_LEVEL[object.kind] ?? ["spec"])];
          expect(
            Object.keys(object).filter((k) => !allowed.includes(k)),
            `${file}: unknown top-level fields`,
          ).to.deep.equal([]);
          expect(
            Object.keys(object.metadata).filter((k) => !METADATA.includes(k)),
            `${file}: unknown metadata fields`,
          ).to.deep.equal([]);
          expect(
            keyPaths(object).filter((p) => /\.__/.test(p)),
            `${file}: Pulumi-internal keys`,
          ).to.deep.equal([]);
          const outsideData = object.kind === "Secret" ? { ...object, data: undefined, stringData: undefined } : object;
          expect(JSON.stringify(outsideData), file).not.to.contain(SECRET_MARKER);
        }
      });

      it("a Secret's data is a map of valid keys to redacted values, so readers see which keys the pods get", () => {
        const secrets = objects.filter((o) => o.object.kind === "Secret");
        expect(secrets).to.have.length.greaterThan(0);
        for (const { file, object } of secrets) {
          const maps = [object.data, object.stringData].filter((m) => m !== undefined);
          expect(maps, `${file}: data or stringData`).to.have.length.greaterThan(0);
          for (const map of maps) {
            expect(map, file).to.be.an("object").and.not.be.an("array");
            expect(Object.keys(map), file).to.include.members(["POSTGRES_PASSWORD", "RABBITMQ_PASSWORD"]);
            for (const [key, value] of Object.entries(map)) {
              expect(key, file).to.match(DATA_KEY);
              expect(value, `${file} ${key}`).to.equal(SECRET_MARKER);
            }
          }
        }
      });

      it("each Deployment's selector matches its pod template, and each Service, PDB and NetworkPolicy selects rendered pods", () => {
        const workloads = objects.filter((o) => ["Deployment", "Job"].includes(o.object.kind));
        for (const { file, object } of objects) {
          const selector =
            object.kind === "Deployment" || object.kind === "PodDisruptionBudget"
              ? object.spec.selector.matchLabels
              : object.kind === "Service"
                ? object.spec.selector
                : object.kind === "NetworkPolicy"
                  ? object.spec.podSelector.matchLabels
                  : undefined;
          if (object.kind === "Deployment") expect(selects(selector, podTemplate(object).metadata.labels), file).to.equal(true);
          if (selector === undefined || Object.keys(selector).length === 0) continue;
          const selected = workloads.filter((w) => selects(selector, podTemplate(w.object).metadata.labels));
          expect(
            selected.map((w) => w.file),
            `${file} selects no rendered pod`,
          ).to.have.length.greaterThan(0);
        }
      });

      it("every ConfigMap and Secret a pod template reads is in the render under that name, in the same namespace", () => {
        const names = (kind: string, folder: string): string[] =>
          objects.filter((o) => o.object.kind === kind && o.folder === folder).map((o) => o.object.metadata.name!);
        const workloads = objects.filter((o) => ["Deployment", "Job"].includes(o.object.kind));
        expect(
          workloads.some((w) => w.object.kind === "Job"),
          "the migration Job is rendered",
        ).to.equal(true);
        for (const { file, folder, object } of workloads) {
          const refs = referencedNames(podTemplate(object).spec);
          for (const kind of ["ConfigMap", "Secret"] as const) {
            for (const name of refs[kind]) expect(names(kind, folder), `${file} reads ${kind} ${name}`).to.include(name);
          }
        }
      });
    });
  }
});
