/**
 * Every Kubernetes object of every stack: schema-valid (kubernetes-models), and the
 * things the schema does not check: names, selectors against labels, Pod Security
 * "restricted" on every pod. Unknown fields are caught by the builders' literal types.
 */
import { expect } from "chai";
import { Evaluation } from "../../tools/engine/evaluate";
import { evaluateOffline } from "../../tools/engine/offline";
import { listStacks } from "../../tools/engine/stack-file";
import { OBJECT_NAMES } from "../../components/backend/names";
import { kubeObjects, objectsOfKind, podTemplate, selects, validateObject } from "../support/kubernetes";

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;

describe("backend manifests of every stack", () => {
  for (const stack of listStacks()) {
    describe(stack, () => {
      let evaluation: Evaluation;
      before(async () => {
        evaluation = await evaluateOffline(stack);
      });

      it("every object is valid against the Kubernetes schema", () => {
        const objects = kubeObjects(evaluation);
        expect(objects.length).to.be.greaterThan(5);
        for (const { resourceName, object } of objects) {
          expect(() => validateObject(object), `${object.kind} ${resourceName}`).not.to.throw();
        }
      });

      it("names are DNS labels, label values are valid, everything sits in the stack's namespace", () => {
        const namespace = objectsOfKind(evaluation, "Namespace")[0]!.metadata.name!;
        for (const { resourceName, object } of kubeObjects(evaluation)) {
          if (object.metadata.name !== undefined) expect(object.metadata.name, resourceName).to.match(DNS_LABEL);
          for (const [k, v] of Object.entries(object.metadata.labels ?? {}))
            expect(v, `${resourceName} label ${k}`).to.match(LABEL_VALUE);
          if (object.kind !== "Namespace") expect(object.metadata.namespace, resourceName).to.equal(namespace);
        }
      });

      it("each Deployment's selector matches its own pod template and no other Deployment's", () => {
        const deployments = objectsOfKind(evaluation, "Deployment");
        expect(deployments.map((d) => d.metadata.name)).to.include.members([OBJECT_NAMES.api, OBJECT_NAMES.worker]);
        for (const d of deployments) {
          expect(selects(d.spec.selector.matchLabels, podTemplate(d).metadata.labels), d.metadata.name).to.equal(true);
          const others = deployments.filter(
            (o) => o !== d && selects(d.spec.selector.matchLabels, podTemplate(o).metadata.labels),
          );
          expect(
            others.map((o) => o.metadata.name),
            `${d.metadata.name} selects other pods`,
          ).to.deep.equal([]);
        }
      });

      it("each Service, PodDisruptionBudget and NetworkPolicy selects the pods of exactly one workload", () => {
        const templates = [...objectsOfKind(evaluation, "Deployment"), ...objectsOfKind(evaluation, "Job")].map(
          (w) => podTemplate(w).metadata.labels,
        );
        const selectors: Array<[string, Record<string, string>]> = [
          ...objectsOfKind(evaluation, "Service").map((s): [string, Record<string, string>] => [
            `Service ${s.metadata.name}`,
            s.spec.selector,
          ]),
          ...objectsOfKind(evaluation, "PodDisruptionBudget").map((p): [string, Record<string, string>] => [
            `PDB ${p.metadata.name}`,
            p.spec.selector.matchLabels,
          ]),
          ...objectsOfKind(evaluation, "NetworkPolicy")
            .filter((n) => Object.keys(n.spec.podSelector).length > 0)
            .map((n): [string, Record<string, string>] => [`NetworkPolicy ${n.metadata.name}`, n.spec.podSelector.matchLabels]),
        ];
        expect(selectors.map(([what]) => what)).to.include.members([
          `Service ${OBJECT_NAMES.apiService}`,
          "NetworkPolicy smartem-http-api-ingress",
        ]);
        for (const [what, selector] of selectors) {
          expect(
            templates.filter((labels) => selects(selector, labels)),
            what,
          ).to.have.length(1);
        }
      });

      it("every pod meets Pod Security Standard restricted, with a read-only root", () => {
        const namespace = objectsOfKind(evaluation, "Namespace")[0]!;
        expect(namespace.metadata.labels).to.include({ "pod-security.kubernetes.io/enforce": "restricted" });
        const workloads = [...objectsOfKind(evaluation, "Deployment"), ...objectsOfKind(evaluation, "Job")];
        expect(workloads.map((w) => w.metadata.name ?? `${w.kind} (autonamed)`)).to.include.members([
          OBJECT_NAMES.api,
          OBJECT_NAMES.worker,
          "Job (autonamed)",
        ]);
        for (const workload of workloads) {
          const pod = podTemplate(workload).spec;
          const what = `${workload.kind} ${workload.metadata.name ?? "(autonamed)"}`;
          expect(pod.securityContext, what).to.deep.include({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
          expect(pod.securityContext.runAsUser, what).to.be.greaterThan(0);
          expect(pod.hostNetwork ?? false, what).to.equal(false);
          for (const volume of pod.volumes ?? []) {
            expect(
              Object.keys(volume).filter((k) => k !== "name"),
              `${what} volume ${volume.name}`,
            ).to.satisfy((types: string[]) =>
              types.every((t) => ["emptyDir", "persistentVolumeClaim", "configMap", "secret", "projected"].includes(t)),
            );
          }
          for (const container of pod.containers) {
            expect(container.securityContext, `${what} ${container.name}`).to.deep.include({
              allowPrivilegeEscalation: false,
              readOnlyRootFilesystem: true,
              runAsNonRoot: true,
              capabilities: { drop: ["ALL"] },
            });
            const mounts = (container.volumeMounts ?? []).map((m: { mountPath: string }) => m.mountPath);
            expect(mounts, `${what} ${container.name}: a writable /tmp`).to.include("/tmp");
            expect(container.resources?.limits, `${what} ${container.name}: limits`).to.have.keys("cpu", "memory");
          }
        }
      });
    });
  }
});
