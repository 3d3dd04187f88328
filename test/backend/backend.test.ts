/** What an operator relies on from the backend component, per stack. */
import { inc } from "@renovatebot/pep440";
import { expect } from "chai";
import {
  API_TERMINATION_GRACE_SECONDS,
  PRESTOP_SLEEP_SECONDS,
  UVICORN_GRACEFUL_SHUTDOWN_SECONDS,
} from "../../components/backend/api";
import { secretManifest } from "../../components/backend/environment";
import { backendSettings } from "../../components/backend/settings";
import { KEY, loadStackConfig } from "../../components/program-config";
import { Evaluation } from "../../tools/engine/evaluate";
import { renderFiles } from "../../tools/render/render";
import { evaluateStack, resource, resourcesOfType } from "../support/evaluate";
import { KubeObject, kubeObjects, objectNamed, objectsOfKind, podTemplate } from "../support/kubernetes";
import { SECRET_MARKER } from "../../components/config/keys";
import { TYPES } from "../../components/shared/project";
import { OBJECT_NAMES } from "../../components/backend/names";

const IMAGE = "ghcr.io/diamondlightsource/smartem-decisions";
const DIGEST = `sha256:${"ab".repeat(32)}`;
const REQUIRED_ENV = [
  "POSTGRES_HOST",
  "POSTGRES_PORT",
  "POSTGRES_DB",
  "RABBITMQ_HOST",
  "RABBITMQ_PORT",
  "HTTP_API_PORT",
  "ENVIRONMENT",
  "SMARTEM_LOG_LEVEL",
];
const SECRET_ENV = ["POSTGRES_USER", "POSTGRES_PASSWORD", "RABBITMQ_USER", "RABBITMQ_PASSWORD"];

const backendWorkloads = (e: Evaluation): KubeObject[] => [
  objectNamed(e, "Deployment", OBJECT_NAMES.api),
  objectNamed(e, "Deployment", OBJECT_NAMES.worker),
  ...objectsOfKind(e, "Job"),
];
const container = (workload: KubeObject): any => podTemplate(workload).spec.containers[0];
const job = (e: Evaluation): KubeObject => objectsOfKind(e, "Job")[0]!;

describe("Backend on Kubernetes", () => {
  let dev: Evaluation;
  let staging: Evaluation;
  let production: Evaluation;
  before(async () => {
    dev = await evaluateStack("dev");
    staging = await evaluateStack("staging");
    production = await evaluateStack("production");
  });
  /** Staging moved to the next release after the one it pins (and runs). */
  const stagingMovedOn = (): Promise<Evaluation> => {
    const version = staging.config[KEY.backendVersion]!;
    return evaluateStack(
      "staging",
      { backendVersion: inc(version, "patch")! },
      { stackReferences: { "organization/smartem/staging": { backendVersion: version } } },
    );
  };

  describe("provider and namespace", () => {
    it("every Kubernetes object goes through the stack's explicit provider", async () => {
      const e = await evaluateStack("staging", { kubeContext: "staging-cluster" });
      const [provider] = resourcesOfType(e, TYPES.kubernetesProvider);
      expect(provider!.inputs.context).to.equal("staging-cluster");
      for (const r of e.resources.filter((r) => r.type.startsWith("kubernetes:"))) {
        expect(r.provider, r.name).to.match(new RegExp(`^${provider!.urn.replace(/[$]/g, "\\$")}::`));
      }
    });

    it("without smartem:kubeContext the provider uses the kubeconfig's current context", () => {
      expect(resourcesOfType(dev, TYPES.kubernetesProvider)[0]!.inputs).not.to.have.property("context");
    });

    it("each stack has its namespace, enforcing Pod Security restricted", () => {
      for (const [e, name] of [
        [dev, "smartem-decisions"],
        [staging, "smartem-decisions-staging"],
        [production, "smartem-decisions-production"],
      ] as const) {
        const ns = objectNamed(e, "Namespace", name);
        expect(ns.metadata.labels).to.include({ "pod-security.kubernetes.io/enforce": "restricted" });
      }
    });
  });

  describe("version pin", () => {
    it("every backend container runs <image>:<backendVersion>", () => {
      for (const e of [dev, staging, production]) {
        const version = e.config[KEY.backendVersion];
        expect(version, e.stack).to.be.a("string");
        for (const w of backendWorkloads(e)) expect(container(w).image, w.kind).to.equal(`${IMAGE}:${version}`);
      }
    });

    it("with smartem:backendImageDigests the image of backendVersion is pinned by digest too", async () => {
      const digests = JSON.stringify({ "0.1.1rc52": DIGEST, "0.1.0": `sha256:${"cd".repeat(32)}` });
      const e = await evaluateStack("dev", { backendImageDigests: digests });
      for (const w of backendWorkloads(e)) expect(container(w).image).to.equal(`${IMAGE}:0.1.1rc52@${DIGEST}`);
    });

    it("a bump to a version without a listed digest runs that version's tag, never the old bytes", async () => {
      const e = await evaluateStack("dev", {
        backendVersion: "0.1.2",
        backendImageDigests: JSON.stringify({ "0.1.1rc52": DIGEST }),
      });
      for (const w of backendWorkloads(e)) expect(container(w).image).to.equal(`${IMAGE}:0.1.2`);
    });

    it("objects and pods carry the recommended labels and the pip requirement", () => {
      const version = staging.config[KEY.backendVersion];
      for (const w of backendWorkloads(staging)) {
        for (const meta of [w.metadata, podTemplate(w).metadata]) {
          expect(meta.labels).to.include({
            "app.kubernetes.io/version": version,
            "app.kubernetes.io/part-of": "smartem-decisions",
            "app.kubernetes.io/managed-by": "pulumi",
            "app.kubernetes.io/instance": "smartem-decisions-staging",
          });
          expect(meta.labels).to.have.keys(
            ["name", "instance", "version", "component", "part-of", "managed-by"].map((k) => `app.kubernetes.io/${k}`),
          );
          expect(meta.annotations).to.include({ "smartem.diamond.ac.uk/requirement": `smartem-decisions[backend]==${version}` });
        }
      }
    });

    it("a new version changes the pod templates but never the selectors", async () => {
      const next = await stagingMovedOn();
      for (const name of [OBJECT_NAMES.api, OBJECT_NAMES.worker]) {
        const [before, after] = [objectNamed(staging, "Deployment", name), objectNamed(next, "Deployment", name)];
        expect(after.spec.selector).to.deep.equal(before.spec.selector);
        expect(container(after).image).to.equal(`${IMAGE}:${next.config[KEY.backendVersion]}`);
      }
    });

    it("a new version changes only what the migration gates: the Job and the two Deployments", async () => {
      const next = await stagingMovedOn();
      const [before, after] = [renderFiles(staging), renderFiles(next)];
      const changed = [...after.keys()].filter((f) => f.startsWith("k8s/") && after.get(f) !== before.get(f)).sort();
      const jobs = (files: Map<string, string>) =>
        [...files.keys()].filter((f) => /\/job-smartem-migrate-[0-9a-f]{8}\.yaml$/.test(f));
      expect(changed).to.deep.equal([
        "k8s/smartem-decisions-staging/deployment-smartem-http-api.yaml",
        "k8s/smartem-decisions-staging/deployment-smartem-worker.yaml",
        ...jobs(after),
      ]);
      expect(jobs(after), "a new version is a new migration Job").to.not.deep.equal(jobs(before));
    });
  });

  describe("migrations once per version, first", () => {
    it("an autonamed Job runs alembic upgrade head, bounded, re-run when it failed", () => {
      const j = job(staging);
      expect(j.metadata.name, "autonamed: a new version makes a new Job").to.equal(undefined);
      expect(j.metadata.annotations).to.include({ "pulumi.com/replaceUnready": "true" });
      expect(j.spec.backoffLimit).to.be.within(0, 5);
      expect(j.spec.activeDeadlineSeconds).to.equal(600);
      expect(container(j).command).to.deep.equal(["alembic", "upgrade", "head"]);
      expect(podTemplate(j).spec.restartPolicy).to.equal("Never");
    });

    it("both Deployments depend on the Job, so a failed migration leaves them untouched", () => {
      const jobUrn = resource(production, TYPES.job, "smartem-migrate").urn;
      for (const name of [OBJECT_NAMES.api, OBJECT_NAMES.worker]) {
        expect(resource(production, TYPES.deployment, name).dependsOn, name).to.include(jobUrn);
      }
    });

    it("in dev the Job waits for the in-cluster database and broker", () => {
      const deps = resource(dev, TYPES.job, "smartem-migrate").dependsOn;
      for (const name of [OBJECT_NAMES.postgres, OBJECT_NAMES.rabbitmq]) {
        expect(deps).to.include(resource(dev, TYPES.deployment, name).urn);
      }
    });

    it("the api runs uvicorn directly and never migrates on start", () => {
      const api = container(objectNamed(production, "Deployment", OBJECT_NAMES.api));
      expect(api.command.slice(0, 2)).to.deep.equal(["uvicorn", "smartem_backend.api_server:app"]);
      expect(api.command.join(" ")).not.to.match(/alembic/);
      expect(api.command).to.include.members(["--port", "8000"]);
    });
  });

  describe("api Deployment", () => {
    it("rolls without dropping below its replicas, maxSurge from config", async () => {
      const e = await evaluateStack("production", { apiMaxSurge: "2" });
      const api = objectNamed(e, "Deployment", OBJECT_NAMES.api);
      expect(api.spec.replicas).to.equal(3);
      expect(api.spec.strategy).to.deep.equal({ type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 2 } });
      expect(api.spec.minReadySeconds).to.be.greaterThan(0);
      expect(api.spec.progressDeadlineSeconds).to.equal(600);
    });

    it("readiness on /health, liveness on the static /status, a startup probe", () => {
      const api = container(objectNamed(staging, "Deployment", OBJECT_NAMES.api));
      expect(api.readinessProbe.httpGet.path).to.equal("/health");
      expect(api.livenessProbe.httpGet.path).to.equal("/status");
      expect(api.startupProbe.httpGet.path).to.equal("/status");
      expect(api.ports).to.deep.equal([{ name: "http", containerPort: 8000, protocol: "TCP" }]);
    });

    it("drains: preStop sleep, then a grace period longer than preStop + uvicorn's shutdown", () => {
      const api = objectNamed(staging, "Deployment", OBJECT_NAMES.api);
      expect(container(api).lifecycle.preStop.exec.command).to.deep.equal(["sleep", String(PRESTOP_SLEEP_SECONDS)]);
      expect(podTemplate(api).spec.terminationGracePeriodSeconds).to.equal(API_TERMINATION_GRACE_SECONDS);
      expect(API_TERMINATION_GRACE_SECONDS).to.be.greaterThan(PRESTOP_SLEEP_SECONDS + UVICORN_GRACEFUL_SHUTDOWN_SECONDS);
    });

    it("pulumi up waits as long as the progress deadline (rolloutTimeoutSeconds)", async () => {
      const e = await evaluateStack("staging", { rolloutTimeoutSeconds: "900" });
      const api = resource(e, TYPES.deployment, OBJECT_NAMES.api);
      expect((api.inputs as any).spec.progressDeadlineSeconds).to.equal(900);
      expect(api.customTimeouts).to.deep.equal({ create: "900s", update: "900s" });
      expect(resource(e, TYPES.deployment, OBJECT_NAMES.worker).customTimeouts).to.deep.equal({ create: "900s", update: "900s" });
    });

    it("resources per stack: production 256Mi/200m requests, 512Mi/500m limits; staging 128Mi/100m, 256Mi/200m", () => {
      for (const name of [OBJECT_NAMES.api, OBJECT_NAMES.worker]) {
        expect(container(objectNamed(production, "Deployment", name)).resources).to.deep.equal({
          requests: { cpu: "200m", memory: "256Mi" },
          limits: { cpu: "500m", memory: "512Mi" },
        });
        expect(container(objectNamed(staging, "Deployment", name)).resources).to.deep.equal({
          requests: { cpu: "100m", memory: "128Mi" },
          limits: { cpu: "200m", memory: "256Mi" },
        });
      }
      expect(objectNamed(staging, "Deployment", OBJECT_NAMES.worker).spec.replicas).to.equal(1);
      expect(objectNamed(production, "Deployment", OBJECT_NAMES.worker).spec.replicas).to.equal(2);
    });

    it("Service smartem-http-api-service maps 80 to 8000", () => {
      const svc = objectNamed(production, "Service", OBJECT_NAMES.apiService);
      expect(svc.spec.ports).to.deep.equal([{ name: "http", port: 80, targetPort: 8000, protocol: "TCP" }]);
    });

    it("a PodDisruptionBudget exists from two replicas on", async () => {
      expect(objectNamed(production, "PodDisruptionBudget", OBJECT_NAMES.api).spec.maxUnavailable).to.equal(1);
      expect(objectsOfKind(staging, "PodDisruptionBudget")).to.deep.equal([]);
      const two = await evaluateStack("staging", { apiReplicas: "2" });
      expect(objectsOfKind(two, "PodDisruptionBudget").map((p) => p.metadata.name)).to.deep.equal([OBJECT_NAMES.api]);
    });
  });

  describe("worker Deployment", () => {
    it("no readiness probe, a long grace period, a rolling update", async () => {
      const worker = objectNamed(production, "Deployment", OBJECT_NAMES.worker);
      expect(container(worker)).not.to.have.property("readinessProbe");
      expect(container(worker).command).to.deep.equal(["python", "-m", "smartem_backend.consumer"]);
      expect(podTemplate(worker).spec.terminationGracePeriodSeconds).to.equal(300);
      expect(worker.spec.strategy.type).to.equal("RollingUpdate");
      const e = await evaluateStack("production", { workerTerminationGracePeriodSeconds: "900" });
      expect(podTemplate(objectNamed(e, "Deployment", OBJECT_NAMES.worker)).spec.terminationGracePeriodSeconds).to.equal(900);
    });
  });

  describe("environment", () => {
    it("every backend container reads the ConfigMap and the Secret, which hold the required variables", () => {
      for (const e of [dev, staging]) {
        const [configMap] = objectsOfKind(e, "ConfigMap");
        expect(configMap!.data).to.include.keys(REQUIRED_ENV);
        const secret = kubeObjects(e).find((o) => o.object.kind === "Secret")!;
        const redacted = Object.fromEntries(SECRET_ENV.map((key) => [key, SECRET_MARKER]));
        expect(secret.object.stringData, "the keys the pods get, every value redacted").to.deep.equal(redacted);
        for (const w of backendWorkloads(e)) {
          const refs = container(w).envFrom;
          expect(refs[0].configMapRef.name).to.match(/^smartem-config-[0-9a-f]{8}$/);
          expect(refs[1].secretRef.name).to.match(/^smartem-secrets-[0-9a-f]{8}$/);
        }
      }
    });

    it("no password reaches the render in clear", async () => {
      const e = await evaluateStack("staging", {
        databasePassword: "external-db-password-1",
        rabbitmqPassword: "external-mq-password-1",
      });
      const rendered = JSON.stringify([...renderFiles(e).values()]);
      expect(rendered).not.to.match(/external-(db|mq)-password-1/);
      expect(JSON.stringify([...renderFiles(dev).values()])).not.to.match(/offline-smartem-(postgres|rabbitmq)-password/);
    });

    it("a config change rolls the pods: ConfigMap and Secret are immutable and autonamed", async () => {
      for (const kind of ["ConfigMap", "Secret"]) {
        const [object] = objectsOfKind(production, kind);
        expect(object!.immutable, kind).to.equal(true);
        expect(object!.metadata.name, `${kind} autonamed: new content, new name, new pod template`).to.equal(undefined);
      }
      // Same version, one environment value changed: every backend pod template changes.
      const changed = await evaluateStack("production", { logLevel: "DEBUG" });
      for (const name of [OBJECT_NAMES.api, OBJECT_NAMES.worker]) {
        const [before, after] = [objectNamed(production, "Deployment", name), objectNamed(changed, "Deployment", name)];
        expect(container(after).envFrom[0].configMapRef.name, name).to.not.equal(container(before).envFrom[0].configMapRef.name);
      }
    });

    it("the Secret holds the four credentials (checked on the builder, the engine redacts the whole map)", () => {
      const settings = backendSettings("dev", loadStackConfig({ [KEY.backendVersion]: "0.1.0", [KEY.manageGithub]: "false" }));
      expect(Object.keys(secretManifest(settings, { database: "d", rabbitmq: "r" }).stringData!)).to.have.members(SECRET_ENV);
    });

    it("external services: hosts and ports from config, optional variables only when set", async () => {
      const e = await evaluateStack("staging", {
        databasePort: "6432",
        rabbitmqVhost: "/smartem",
        corsAllowedOrigins: JSON.stringify(["https://a.example.org", "https://b.example.org"]),
        keycloakUrl: "https://auth.example.org",
        keycloakRealm: "smartem",
      });
      const data = objectsOfKind(e, "ConfigMap")[0]!.data;
      expect(data).to.include({
        POSTGRES_HOST: "postgres.staging.smartem.invalid",
        POSTGRES_PORT: "6432",
        RABBITMQ_VHOST: "/smartem",
        CORS_ALLOWED_ORIGINS: "https://a.example.org,https://b.example.org",
        KEYCLOAK_URL: "https://auth.example.org",
        ENVIRONMENT: "staging",
      });
      expect(objectsOfKind(staging, "ConfigMap")[0]!.data).not.to.have.any.keys("RABBITMQ_VHOST", "KEYCLOAK_URL");
    });
  });

  describe("backing services", () => {
    it("dev runs PostgreSQL and RabbitMQ, pinned by exact version, on volumes, with probes and generated passwords", () => {
      const images = [OBJECT_NAMES.postgres, OBJECT_NAMES.rabbitmq].map((n) => container(objectNamed(dev, "Deployment", n)));
      expect(images.map((c) => c.image)).to.deep.equal(["postgres:17.6", "rabbitmq:4.1.4-management-alpine"]);
      for (const c of images) expect(c).to.include.keys("readinessProbe", "livenessProbe", "startupProbe");
      expect(objectsOfKind(dev, "PersistentVolumeClaim").map((p) => p.metadata.name)).to.have.members([
        OBJECT_NAMES.postgres,
        OBJECT_NAMES.rabbitmq,
      ]);
      expect(resourcesOfType(dev, TYPES.randomPassword)).to.have.length(2);
      expect(objectsOfKind(dev, "ConfigMap")[0]!.data).to.include({
        POSTGRES_HOST: OBJECT_NAMES.postgres,
        RABBITMQ_HOST: OBJECT_NAMES.rabbitmq,
      });
    });

    it("staging and production use external services: nothing of them runs in the namespace", () => {
      for (const e of [staging, production]) {
        expect(objectsOfKind(e, "PersistentVolumeClaim")).to.deep.equal([]);
        expect(objectsOfKind(e, "Deployment").map((d) => d.metadata.name)).to.have.members([
          OBJECT_NAMES.api,
          OBJECT_NAMES.worker,
        ]);
        expect(resourcesOfType(e, TYPES.randomPassword)).to.deep.equal([]);
      }
    });
  });

  describe("network and pull secret", () => {
    it("the api takes ingress on its port only; everything else is denied by default", () => {
      expect(objectNamed(staging, "NetworkPolicy", "smartem-deny-ingress").spec).to.deep.equal({
        podSelector: {},
        policyTypes: ["Ingress"],
        ingress: [],
      });
      expect(objectNamed(staging, "NetworkPolicy", "smartem-http-api-ingress").spec.ingress).to.deep.equal([
        { ports: [{ port: 8000, protocol: "TCP" }] },
      ]);
    });

    it("dev's database and broker are reachable only from the backend's pods", () => {
      const clients = [...objectsOfKind(dev, "Deployment"), ...objectsOfKind(dev, "Job")];
      for (const [name, port] of [
        [OBJECT_NAMES.postgres, 5432],
        [OBJECT_NAMES.rabbitmq, 5672],
      ] as const) {
        const [rule] = objectNamed(dev, "NetworkPolicy", `${name}-ingress`).spec.ingress;
        expect(rule.ports).to.deep.equal([{ port, protocol: "TCP" }]);
        const peer = rule.from[0].podSelector;
        const admitted = clients
          .filter((w) => {
            const labels = podTemplate(w).metadata.labels;
            return (
              Object.entries(peer.matchLabels).every(([k, v]) => labels[k] === v) &&
              peer.matchExpressions[0].values.includes(labels["app.kubernetes.io/component"])
            );
          })
          .map((w) => w.metadata.name ?? "migration job");
        expect(admitted, name).to.have.members([OBJECT_NAMES.api, OBJECT_NAMES.worker, "migration job"]);
      }
    });

    it("pulls with the configured secret, ghcr-secret by default, as the configured non-root uid", async () => {
      const e = await evaluateStack("staging", { imagePullSecret: "registry-creds", runAsUser: "10001" });
      for (const w of backendWorkloads(e)) {
        expect(podTemplate(w).spec.imagePullSecrets).to.deep.equal([{ name: "registry-creds" }]);
        expect(container(w).securityContext.runAsUser).to.equal(10001);
      }
      for (const w of backendWorkloads(staging))
        expect(podTemplate(w).spec.imagePullSecrets).to.deep.equal([{ name: "ghcr-secret" }]);
    });
  });
});
