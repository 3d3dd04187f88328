/**
 * The ten e2e scenarios of issue 10, against the real Pulumi CLI and providers, a real
 * control plane (kwok nodes) and the GitHub API double. They share one world: the staging
 * stack walks A -> B -> C (migration fails) -> D (rollout fails) -> back to B, so each
 * scenario names the ones it builds on and `--only` runs those first (without reporting them).
 *
 * Pod behaviour comes from the image reference (e2e/kwok-stages.yaml): `broken-migration`
 * fails Job pods, `broken-ready` keeps pods unready. The test stacks set smartem:backendImage
 * to such a repository; the tag is always the version, as in production.
 */
import type { GitHubDouble } from "../github-double/server";
import { check } from "./failure";
import { githubSide } from "./github-side";
import { KubeClient, kubectl } from "./kube";
import { CommandResult, PulumiWorkspace, Stack, hasStackTrace, tail } from "./pulumi";
import { Recorder } from "./recorder";
import { branchRunIdentity, releaseRunIdentity, withReleaseSide } from "./release-side";
import { GithubRunner } from "../../test/support/github-step";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { COLLECT_FAILURE_SCRIPT, ROLLBACK_SCRIPT } from "../../tools/delivery/delivery-workflows";
import { FailureDecision, decideFromCli } from "../../tools/delivery/rollout-decision";
import { upkeep as rolloutIssueUpkeep } from "../../tools/delivery/rollout-issue";

export const VERSIONS = { A: "0.1.0", B: "0.2.0", C: "0.3.0", D: "0.4.0", E: "0.5.0", F: "0.6.0" } as const;
const IMAGE = "ghcr.io/diamondlightsource/smartem-decisions";
const BROKEN_MIGRATION = "registry.invalid/broken-migration/diamondlightsource/smartem-decisions";
const BROKEN_READY = "registry.invalid/broken-ready/diamondlightsource/smartem-decisions";
/** Small timeouts (the schema's minimum) so the failure scenarios take about a minute each. */
const TIMEOUT_SECONDS = 60;
const API = "smartem-http-api";
const WORKER = "smartem-worker";
const API_SERVICE = "smartem-http-api-service";

/** What every test stack overrides in its stack file: the loopback world, small timeouts. */
const TEST_STACK = {
  rolloutTimeoutSeconds: TIMEOUT_SECONDS,
  migrationTimeoutSeconds: TIMEOUT_SECONDS,
  // The real GitHub side is the github-side scenario's; other stacks leave GitHub alone, and
  // drop what only a stack that manages GitHub may set (the program refuses it otherwise).
  manageGithub: false,
  deliveryRepository: undefined,
  deliveryReviewers: undefined,
  pypiReviewers: undefined,
};
/** External backing services: names that resolve nowhere (no pod connects: kwok runs none). */
const EXTERNAL = { databaseHost: "postgres.e2e.test", rabbitmqHost: "rabbitmq.e2e.test" };

export interface World {
  readonly workspace: PulumiWorkspace;
  readonly kube: KubeClient;
  /** Environment for kubectl (KUBECONFIG of the loopback cluster, tools on PATH). */
  readonly kubeEnv: NodeJS.ProcessEnv;
  readonly stacks: Map<string, Stack>;
  /** The GitHub API double and its base URL. */
  readonly github?: GitHubDouble;
  readonly githubApi?: string;
}

function succeeded(result: CommandResult, what: string): void {
  check(result.code === 0, `${what} exited ${result.code}: ${tail(result.stderr || result.stdout)}`);
}

/** Runs a command while a Recorder watches the namespace. */
async function recorded<T>(
  world: World,
  namespace: string,
  run: () => Promise<T>,
): Promise<{ result: T; recorder: Recorder; started: number }> {
  const recorder = new Recorder(world.kube, namespace, API_SERVICE);
  await recorder.start();
  const started = Date.now();
  try {
    return { result: await run(), recorder, started };
  } finally {
    recorder.stop();
  }
}

async function deploymentImage(world: World, namespace: string, name: string): Promise<string> {
  const d = await world.kube.get(`/apis/apps/v1/namespaces/${namespace}/deployments/${name}`);
  check(d !== undefined, `deployment ${namespace}/${name} does not exist`);
  const template = (d.spec as { template: { spec: { containers: { image: string }[] } } }).template;
  return template.spec.containers[0]!.image;
}

async function readyEndpointsNow(world: World, namespace: string): Promise<number> {
  const slices = await world.kube.list(
    `/apis/discovery.k8s.io/v1/namespaces/${namespace}/endpointslices?labelSelector=kubernetes.io%2Fservice-name%3D${API_SERVICE}`,
  );
  return slices
    .flatMap((s) => (s as { endpoints?: { conditions?: { ready?: boolean } }[] }).endpoints ?? [])
    .filter((e) => e.conditions?.ready).length;
}

/** Migration Job completed before the first backend pod of its version was created. */
function migrationFirst(recorder: Recorder, version: string): void {
  const jobs = [...recorder.jobs.values()].filter((j) => j.version === version);
  check(jobs.length === 1, `expected one migration Job of ${version}, saw ${jobs.length}`);
  const completed = jobs[0]!.completedAt;
  check(completed !== undefined, `the migration Job of ${version} never completed`);
  const first = recorder.backendPods(version)[0];
  check(first !== undefined, `no backend pod of ${version} was created`);
  check(
    completed <= first.addedAt,
    `pod ${first.name} of ${version} was created ${first.addedAt - completed} ms before its migration completed`,
  );
}

function staging(world: World): Stack {
  const s = world.stacks.get("staging");
  check(s !== undefined, "the staging stack was not created (first-deploy)");
  return s;
}

const NS = {
  dev: "smartem-decisions",
  staging: "smartem-decisions-staging",
  production: "smartem-decisions-production",
  takeover: "smartem-decisions-takeover",
};

export interface Scenario {
  readonly id: string;
  /** Scenarios whose end state this one starts from. */
  readonly after: readonly string[];
  /** Tools on PATH this scenario needs beyond every scenario's (run.ts REQUIRED_TOOLS). */
  readonly tools?: readonly string[];
  run(world: World): Promise<void>;
}

/** Volumes for the dev stack's in-cluster database and broker (the loopback cluster has no provisioner). */
async function devVolumes(world: World): Promise<void> {
  const pv = (name: string, size: string) => ({
    apiVersion: "v1",
    kind: "PersistentVolume",
    metadata: { name },
    spec: {
      capacity: { storage: size },
      accessModes: ["ReadWriteOnce"],
      hostPath: { path: `/tmp/${name}` },
      persistentVolumeReclaimPolicy: "Delete",
    },
  });
  const list = { apiVersion: "v1", kind: "List", items: [pv("e2e-dev-postgres", "10Gi"), pv("e2e-dev-rabbitmq", "2Gi")] };
  await kubectl(world.kubeEnv, ["apply", "-f", "-"], JSON.stringify(list));
}

/** A new stack (no outputs yet) deploys under Pod Security restricted, migration first, outputs set. */
async function firstDeploy(world: World, stack: Stack, ns: string): Promise<void> {
  const before = await stack.outputs();
  check(Object.keys(before).length === 0, `new stack ${stack.name} has outputs ${JSON.stringify(before)}`);
  const { result, recorder } = await recorded(world, ns, () => stack.up());
  succeeded(result, `pulumi up (${stack.name})`);
  migrationFirst(recorder, VERSIONS.A);
  const namespace = await world.kube.get(`/api/v1/namespaces/${ns}`);
  check(
    namespace?.metadata.labels?.["pod-security.kubernetes.io/enforce"] === "restricted",
    `namespace ${ns} does not enforce Pod Security restricted`,
  );
  const outputs = await stack.outputs();
  check(
    outputs.backendVersion === VERSIONS.A && outputs.migratedVersion === VERSIONS.A,
    `${stack.name} outputs ${JSON.stringify(outputs)}`,
  );
}

/**
 * The dev stack's generated passwords (RandomPassword `result`, which @pulumi/random marks
 * secret) reach the cluster's Secret as the program asked (32 letters and digits), and
 * `pulumi stack export` never shows them in clear (nor base64-encoded as the Secret holds them).
 */
async function generatedPasswordsStaySecret(world: World, stack: Stack, ns: string): Promise<void> {
  const secrets = await world.kube.list(`/api/v1/namespaces/${ns}/secrets`);
  const data = secrets
    .map((x) => (x as { data?: Record<string, string> }).data ?? {})
    .find((d) => d.POSTGRES_PASSWORD !== undefined && d.RABBITMQ_PASSWORD !== undefined);
  check(data !== undefined, `no Secret in ${ns} holds POSTGRES_PASSWORD and RABBITMQ_PASSWORD`);
  const exported = (await world.workspace.must(["stack", "export", "--stack", stack.qualified])).stdout;
  for (const key of ["POSTGRES_PASSWORD", "RABBITMQ_PASSWORD"]) {
    const encoded = data[key]!;
    const password = Buffer.from(encoded, "base64").toString("utf8");
    check(/^[A-Za-z0-9]{32}$/.test(password), `${key} is ${password.length} characters, not 32 letters and digits`);
    check(!exported.includes(password) && !exported.includes(encoded), `pulumi stack export shows ${key} in clear`);
  }
}

export const SCENARIOS: readonly Scenario[] = [
  {
    id: "first-deploy",
    after: [],
    async run(world) {
      const stg = await world.workspace.createStack("staging", "staging", {
        ...TEST_STACK,
        ...EXTERNAL,
        backendVersion: VERSIONS.A,
        apiReplicas: 2,
      });
      world.stacks.set("staging", stg);
      await firstDeploy(world, stg, NS.staging);
    },
  },
  {
    // The dev-like stack of first-deploy, on its own: its in-cluster database and broker get
    // generated passwords (@pulumi/random), so it needs the random provider.
    id: "first-deploy-dev",
    after: [],
    tools: ["pulumi-resource-random"],
    async run(world) {
      await devVolumes(world);
      const dev = await world.workspace.createStack("dev", "dev", {
        ...TEST_STACK,
        backendVersion: VERSIONS.A,
        githubOwner: undefined,
        pypiReviewers: undefined,
        legacyReleaseTags: undefined,
      });
      world.stacks.set("dev", dev);
      await firstDeploy(world, dev, NS.dev);
      await generatedPasswordsStaySecret(world, dev, NS.dev);
      // A second run must not draw new passwords (the random provider's diff of unchanged inputs).
      succeeded(await dev.preview(["--expect-no-changes"]), "pulumi preview --expect-no-changes after the first deploy");
    },
  },
  {
    id: "upgrade-zero-downtime",
    after: ["first-deploy"],
    async run(world) {
      const stack = staging(world);
      await stack.configure({ backendVersion: VERSIONS.B });
      const preview = await stack.preview(["--json"]);
      succeeded(preview, "pulumi preview --json of the bump");
      const changed = changedResources(preview.stdout);
      const expected = [
        "kubernetes:apps/v1:Deployment::smartem-http-api",
        "kubernetes:apps/v1:Deployment::smartem-worker",
        "kubernetes:batch/v1:Job::smartem-migrate",
      ];
      check(
        JSON.stringify(changed) === JSON.stringify(expected),
        `the preview changes ${changed.join(", ") || "nothing"}, not exactly the migration Job and the two Deployments`,
      );
      const replicas = 2;
      const { result, recorder, started } = await recorded(world, NS.staging, () => stack.up());
      succeeded(result, "pulumi up of the bump");
      const min = recorder.minReadyEndpoints(started);
      check(min !== undefined && min >= replicas, `ready endpoints fell to ${min} during the rollout (replicas ${replicas})`);
      migrationFirst(recorder, VERSIONS.B);
      check((await stack.outputs()).backendVersion === VERSIONS.B, "backendVersion output is not B after the upgrade");
    },
  },
  {
    id: "failed-migration",
    after: ["upgrade-zero-downtime"],
    async run(world) {
      const stack = staging(world);
      await stack.configure({ backendVersion: VERSIONS.C, backendImage: BROKEN_MIGRATION });
      const { result, recorder } = await recorded(world, NS.staging, () => stack.up());
      check(result.code !== 0, "pulumi up of a failing migration succeeded");
      check(
        result.seconds <= TIMEOUT_SECONDS + 150,
        `pulumi up took ${result.seconds} s to fail (migration timeout ${TIMEOUT_SECONDS} s)`,
      );
      const job = [...recorder.jobs.values()].find((j) => j.version === VERSIONS.C);
      check(job?.failedAt !== undefined, "the migration Job of C did not fail");
      for (const name of [API, WORKER]) {
        const image = await deploymentImage(world, NS.staging, name);
        check(image === `${IMAGE}:${VERSIONS.B}`, `${name} runs ${image} after C's migration failed, not B`);
      }
      check(recorder.backendPods(VERSIONS.C).length === 0, "pods of C were created although its migration failed");
    },
  },
  {
    id: "failed-rollout",
    after: ["failed-migration"],
    async run(world) {
      const stack = staging(world);
      await stack.configure({ backendVersion: VERSIONS.D, backendImage: BROKEN_READY });
      const { result, recorder, started } = await recorded(world, NS.staging, () => stack.up());
      check(result.code !== 0, "pulumi up of a rollout whose pods never become ready succeeded");
      check(
        result.seconds <= TIMEOUT_SECONDS * 2 + 150,
        `pulumi up took ${result.seconds} s to fail (migration + rollout timeouts ${TIMEOUT_SECONDS} s each)`,
      );
      const min = recorder.minReadyEndpoints(started);
      check(min !== undefined && min > 0, `the api Service had ${min} ready endpoints during D's failed rollout`);
      check((await readyEndpointsNow(world, NS.staging)) >= 2, "B's pods do not all serve after D's failed rollout");
      check(
        [...recorder.jobs.values()].some((j) => j.version === VERSIONS.D && j.completedAt !== undefined),
        "D's migration did not complete",
      );
      const outputs = await stack.outputs();
      check(
        outputs.backendVersion === VERSIONS.B,
        `after the failed rollout the backendVersion output is ${String(outputs.backendVersion)}, not B`,
      );
    },
  },
  {
    id: "rollback-after-failure",
    after: ["failed-rollout"],
    async run(world) {
      const stack = staging(world);
      await stack.configure({ backendVersion: VERSIONS.B, backendImage: undefined, allowDowngrade: "true" });
      const { result, recorder, started } = await recorded(world, NS.staging, () => stack.up());
      succeeded(result, "pulumi up back to B");
      const jobs = recorder.jobsSince(started);
      check(jobs.length === 0, `the return to B ran migration Job(s) ${jobs.map((j) => `${j.name} (${j.version})`).join(", ")}`);
      for (const name of [API, WORKER]) {
        const image = await deploymentImage(world, NS.staging, name);
        check(image === `${IMAGE}:${VERSIONS.B}`, `${name} runs ${image}, not B`);
      }
      const min = recorder.minReadyEndpoints(started);
      check(min !== undefined && min > 0, `the api Service had ${min} ready endpoints during the return to B`);
      await stack.configure({ allowDowngrade: undefined });
      const converged = await stack.preview(["--expect-no-changes"]);
      succeeded(converged, "pulumi preview --expect-no-changes after the return to B");
      const outputs = await stack.outputs();
      check(
        outputs.backendVersion === VERSIONS.B && outputs.migratedVersion === VERSIONS.D,
        `outputs after the return: ${JSON.stringify(outputs)}`,
      );
    },
  },
  {
    id: "promotion",
    after: ["rollback-after-failure"],
    async run(world) {
      const production = await world.workspace.createStack("production", "production", {
        ...TEST_STACK,
        ...EXTERNAL,
        backendVersion: VERSIONS.D,
        apiReplicas: 2,
        workerReplicas: 1,
        // No soak time here: staging's promotion record is checked, its age is the job of a
        // scenario with a clock it controls (SMARTEM_TEST_NOW, docs/operations.md "Promotion").
        promotionSoakHours: 0,
      });
      world.stacks.set("production", production);
      const refused = await production.preview();
      check(refused.code !== 0, "production took a version staging does not run");
      const text = refused.stdout + refused.stderr;
      check(
        /organization\/smartem\/staging runs, which is 0\.2\.0/.test(text),
        `the refusal does not name staging's version: ${tail(text)}`,
      );
      check(!hasStackTrace(text), "the promotion refusal prints a stack trace");
      await production.configure({ backendVersion: VERSIONS.B });
      succeeded(await production.up(), "pulumi up of production at the version staging runs");
      check((await production.outputs()).backendVersion === VERSIONS.B, "production's backendVersion output is not B");
    },
  },
  {
    id: "downgrade-refused",
    after: ["rollback-after-failure"],
    async run(world) {
      const stack = staging(world);
      await stack.configure({ backendVersion: VERSIONS.A });
      const refused = await stack.preview();
      await stack.configure({ backendVersion: VERSIONS.B });
      check(refused.code !== 0, "pulumi preview took a downgrade without smartem:allowDowngrade");
      const text = refused.stdout + refused.stderr;
      check(
        text.includes(`smartem:backendVersion = ${VERSIONS.A}`) && text.includes("smartem:allowDowngrade: true"),
        `the refusal does not name the key, value and override: ${tail(text)}`,
      );
      check(!hasStackTrace(text), "the refusal prints a JavaScript stack trace");
    },
  },
  {
    id: "drift",
    after: ["rollback-after-failure"],
    async run(world) {
      const stack = staging(world);
      await kubectl(world.kubeEnv, [
        "-n",
        NS.staging,
        "patch",
        "deployment",
        API,
        "--type",
        "merge",
        "-p",
        JSON.stringify({ spec: { replicas: 3 } }),
      ]);
      const drifted = await stack.preview(["--refresh", "--expect-no-changes"]);
      check(drifted.code !== 0, "pulumi preview --refresh --expect-no-changes did not see the kubectl edit");
      succeeded(await stack.up(["--refresh"]), "pulumi up --refresh");
      const d = await world.kube.get(`/apis/apps/v1/namespaces/${NS.staging}/deployments/${API}`);
      check(
        (d?.spec as { replicas?: number }).replicas === 2,
        `replicas after pulumi up: ${String((d?.spec as { replicas?: number }).replicas)}, not 2`,
      );
      succeeded(
        await stack.preview(["--refresh", "--expect-no-changes"]),
        "pulumi preview --refresh --expect-no-changes after the restore",
      );
    },
  },
  {
    id: "takeover",
    after: [],
    async run(world) {
      await takeover(world);
    },
  },
  {
    id: "github-side",
    after: [],
    tools: ["pulumi-resource-github"],
    run: (world) => githubSide(world),
  },
  {
    // deploy.yml after a failed rollout that migrated nothing: C (below D's schema, which B
    // already serves on) never becomes ready; the workflow's own steps roll back to B.
    id: "auto-rollback",
    after: ["rollback-after-failure"],
    async run(world) {
      const stack = staging(world);
      await stack.configure({ backendVersion: VERSIONS.C, backendImage: BROKEN_READY });
      const failed = await stack.up();
      check(failed.code !== 0, "pulumi up of C with pods that never become ready succeeded");
      const decision = await decideAfterFailure(world, stack);
      check(
        decision.action === "rollback" && decision.previous === VERSIONS.B,
        `after C's failed rollout the decision is ${decision.action} (${decision.why}), not a rollback to B`,
      );
      // kwok's stages key on the image repository, not the tag: give B its own image back
      // (in a real registry, B's tag is B's image whatever C's did).
      await stack.configure({ backendImage: undefined });
      const { result, recorder, started } = await recorded(world, NS.staging, async () =>
        workflowStep(world, ROLLBACK_SCRIPT, { STACK: stack.qualified, PREVIOUS: decision.previous }),
      );
      check(result.status === 0, `the rollback step exited ${result.status}: ${tail(result.output)}`);
      check(recorder.jobsSince(started).length === 0, "the rollback ran a migration Job");
      for (const name of [API, WORKER]) {
        const image = await deploymentImage(world, NS.staging, name);
        check(image === `${IMAGE}:${VERSIONS.B}`, `${name} runs ${image} after the rollback, not B`);
      }
      const min = recorder.minReadyEndpoints(started);
      check(min !== undefined && min > 0, `the api Service had ${min} ready endpoints during the rollback`);
      const outputs = await stack.outputs();
      check(
        outputs.backendVersion === VERSIONS.B && outputs.migratedVersion === VERSIONS.D,
        `outputs after the rollback: ${JSON.stringify(outputs)}`,
      );
      // The runner's copy of the stack file is thrown away after the job; here it stays.
      await stack.configure({ allowDowngrade: undefined });
    },
  },
  {
    // deploy.yml after a failed rollout whose migration ran: E migrates past D, its pods never
    // become ready; B keeps serving, nothing is retried, an incident issue carries the logs.
    id: "incident-on-unsafe-failure",
    after: ["auto-rollback"],
    async run(world) {
      const stack = staging(world);
      check(world.github !== undefined && world.githubApi !== undefined, "no GitHub API double");
      await stack.configure({ backendVersion: VERSIONS.E, backendImage: BROKEN_READY });
      const failed = await stack.up();
      check(failed.code !== 0, "pulumi up of E with pods that never become ready succeeded");
      const { result, recorder, started } = await recorded(world, NS.staging, async () => {
        const decision = await decideAfterFailure(world, stack);
        const collected = await workflowStep(world, COLLECT_FAILURE_SCRIPT, { NAMESPACE: NS.staging, FAILED: VERSIONS.E });
        return { decision, collected };
      });
      const { decision, collected } = result;
      check(
        decision.action === "incident" && decision.command !== undefined,
        `after E's migration and failed rollout the decision is ${decision.action} (${decision.why}), not an incident`,
      );
      check(collected.status === 0, `the log collection exited ${collected.status}: ${tail(collected.output)}`);
      check(recorder.jobsSince(started).length === 0, "a migration Job ran again after the failure (a retry)");
      check((await readyEndpointsNow(world, NS.staging)) >= 2, "B's pods do not all serve after E's failed rollout");
      // The real engine leaves E's template applied (its ReplicaSet never became ready, B's serves):
      // "B keeps serving" is the ready endpoints above, not the Deployment's template.
      const image = await deploymentImage(world, NS.staging, API);
      check(image === `${BROKEN_READY}:${VERSIONS.E}`, `${API}'s template is ${image}, not E's, after E's failed rollout`);
      check(
        /#### kubectl logs job\/\S+/.test(collected.report) && /#### events of job\/\S+/.test(collected.report),
        `the report has no migration Job section: ${tail(collected.report)}`,
      );
      const temp = mkdtempSync(path.join(tmpdir(), "smartem-e2e-incident."));
      try {
        writeFileSync(path.join(temp, "decision.json"), JSON.stringify(decision));
        writeFileSync(path.join(temp, "report.md"), collected.report);
        const action = await rolloutIssueUpkeep({
          STACK: stack.name,
          DECISION: path.join(temp, "decision.json"),
          REPORT: path.join(temp, "report.md"),
          ROLLBACK_OUTCOME: "",
          GITHUB_TOKEN: "e2e",
          GITHUB_REPOSITORY: `${world.github.owner}/smartem-release-infra`,
          GITHUB_API_URL: world.githubApi,
          RUN_URL: "https://e2e.invalid/run",
        });
        check(action.action === "open", `the incident issue was not opened (${action.action})`);
      } finally {
        rmSync(temp, { recursive: true, force: true });
      }
      const issue = world.github
        .issues("smartem-release-infra")
        .find((i) => i.title === `Incident: staging failed to roll out ${VERSIONS.E}`);
      check(issue !== undefined, "no incident issue in the GitHub API double");
      check(
        issue.body.includes(decision.command) && issue.body.includes("#### kubectl logs job/"),
        "the incident issue lacks the rollback command or the logs",
      );
      // Once the schema question is settled: the exact command from the issue returns to B.
      await stack.configure({ backendImage: undefined });
      const back = await workflowStep(world, `${decision.command}\n`, {});
      check(back.status === 0, `the incident's rollback command exited ${back.status}: ${tail(back.output)}`);
      check((await stack.outputs()).backendVersion === VERSIONS.B, "the incident's rollback command did not return to B");
      await stack.configure({ allowDowngrade: undefined });
    },
  },
  {
    // npm run bump as users run it, against the release side's loopback double: F's image is
    // first attested by a run on main (refused, nothing written), then by its release run
    // (pinned by digest), and pulumi up deploys exactly that digest.
    id: "verified-pin",
    after: ["rollback-after-failure"],
    async run(world) {
      const stack = staging(world);
      const file = path.join(world.workspace.projectDir, "Pulumi.staging.yaml");
      await withReleaseSide(async (releases) => {
        await releases.publish(VERSIONS.F, branchRunIdentity);
        const before = readFileSync(file, "utf8");
        const refused = await releases.bump(world.workspace, stack.name, VERSIONS.F);
        check(refused.code === 1, `bump of F attested by a branch run exited ${refused.code}: ${tail(refused.output)}`);
        check(
          refused.output.includes("bump refused: Pulumi.staging.yaml is unchanged.") &&
            refused.output.includes(`wrong identity: signed by ${branchRunIdentity}`) &&
            refused.output.includes(`expected ${releaseRunIdentity(VERSIONS.F)}`),
          `the refusal does not say which identity signed and which was expected: ${tail(refused.output)}`,
        );
        check(!hasStackTrace(refused.output), "the bump refusal prints a stack trace");
        check(readFileSync(file, "utf8") === before, "the refused bump changed Pulumi.staging.yaml");

        const digest = await releases.publish(VERSIONS.F);
        const pinned = await releases.bump(world.workspace, stack.name, VERSIONS.F);
        check(pinned.code === 0, `bump of F attested by its release run exited ${pinned.code}: ${tail(pinned.output)}`);
        check(
          pinned.output.includes(`built and attested by ${releaseRunIdentity(VERSIONS.F)}`),
          `bump does not say whose attestation it verified: ${tail(pinned.output)}`,
        );
        const { result, recorder } = await recorded(world, NS.staging, () => stack.up());
        succeeded(result, "pulumi up of the verified pin");
        migrationFirst(recorder, VERSIONS.F);
        const expected = `${IMAGE}:${VERSIONS.F}@${digest}`;
        for (const name of [API, WORKER]) {
          const image = await deploymentImage(world, NS.staging, name);
          check(image === expected, `${name} runs ${image}, not the verified ${expected}`);
        }
        const job = await migrationJobImage(world, NS.staging, VERSIONS.F);
        check(job === expected, `the migration Job of F runs ${job}, not the verified ${expected}`);
        const evidence = (await stack.outputs()).promotionEvidence as { version?: string; digest?: string } | undefined;
        check(
          evidence?.version === VERSIONS.F && evidence.digest === digest,
          `staging's promotion record is ${JSON.stringify(evidence)}, not F with its digest`,
        );
      });
    },
  },
  {
    // Production takes F (verified and pinned by bump, as in the bump PR) only once staging's
    // rollout of F is promotionSoakHours old, by the clock the test sets (SMARTEM_TEST_NOW).
    id: "promotion-soak",
    after: ["promotion", "verified-pin"],
    async run(world) {
      const production = world.stacks.get("production");
      check(production !== undefined, "the production stack was not created (promotion)");
      const evidence = (await staging(world).outputs()).promotionEvidence as { version?: string; rolledOutAt?: string };
      check(
        evidence?.version === VERSIONS.F && evidence.rolledOutAt !== undefined,
        `staging's promotion record ${JSON.stringify(evidence)} has no rollout time for F`,
      );
      const rolledOut = Date.parse(evidence.rolledOutAt);
      const at = (hours: number): string => new Date(rolledOut + hours * 3_600_000).toISOString();
      await production.configure({ promotionSoakHours: 24 });
      const digest = await withReleaseSide(async (releases) => {
        const published = await releases.publish(VERSIONS.F);
        const bumped = await releases.bump(world.workspace, production.name, VERSIONS.F);
        check(bumped.code === 0, `bump of production to F exited ${bumped.code}: ${tail(bumped.output)}`);
        return published;
      });

      const early = await production.preview([], { SMARTEM_TEST_NOW: at(1) });
      check(early.code !== 0, "production took F one hour after staging's rollout, with a 24 h soak");
      const text = early.stdout + early.stderr;
      check(
        text.includes(`rolled out ${VERSIONS.F} at ${evidence.rolledOutAt}; 23h 0m of the 24 h soak left`) &&
          text.includes("smartem:promotionSoakHours"),
        `the refusal does not say how long is left: ${tail(text)}`,
      );
      check(!hasStackTrace(text), "the soak refusal prints a stack trace");
      check((await production.outputs()).backendVersion === VERSIONS.B, "the refused preview moved production");

      succeeded(await production.up([], { SMARTEM_TEST_NOW: at(25) }), "pulumi up of production 25 h after staging's rollout");
      const image = await deploymentImage(world, NS.production, API);
      check(image === `${IMAGE}:${VERSIONS.F}@${digest}`, `production's ${API} runs ${image}, not F by its digest`);
    },
  },
];

/** The image of the migration Job of `version` (the Job's pod template). */
async function migrationJobImage(world: World, namespace: string, version: string): Promise<string | undefined> {
  const jobs = await world.kube.list(`/apis/batch/v1/namespaces/${namespace}/jobs`);
  const job = jobs.find(
    (j) => (j as { metadata: { labels?: Record<string, string> } }).metadata.labels?.["app.kubernetes.io/version"] === version,
  );
  return (job as { spec?: { template: { spec: { containers: { image: string }[] } } } } | undefined)?.spec?.template.spec
    .containers[0]?.image;
}

/** What deploy.yml's decide step reads (the real CLI's outputs and checkpoint) and decides. */
async function decideAfterFailure(world: World, stack: Stack): Promise<FailureDecision> {
  const outputs = await world.workspace.must(["stack", "output", "--json", "--stack", stack.qualified]);
  const exported = await world.workspace.must(["stack", "export", "--stack", stack.qualified]);
  const config = (await world.workspace.must(["config", "--json", "--stack", stack.qualified])).stdout;
  const value = (key: string): unknown => (JSON.parse(config) as Record<string, { value?: unknown }>)[key]?.value;
  return decideFromCli(
    stack.qualified,
    { backendVersion: String(value("smartem:backendVersion")), backwardCompatibleMigrations: [] },
    outputs.stdout,
    exported.stdout,
  );
}

/**
 * One of deploy.yml's step scripts, run as GitHub runs it (test/support/github-step.ts) in the
 * project copy, with the workspace's Pulumi environment and the cluster's kubeconfig and tools;
 * returns its status, output and the report it wrote (if any). Asynchronous, so the Recorder
 * keeps watching the namespace while the step runs.
 */
async function workflowStep(
  world: World,
  script: string,
  env: Readonly<Record<string, string>>,
): Promise<{ status: number; output: string; report: string }> {
  const runner = new GithubRunner("smartem-e2e-runner");
  try {
    mkdirSync(path.join(runner.temp, "rollout"));
    // The runner sets PATH: the cluster's tools first, after the (absent) fakes.
    const { PATH: _path, ...workspace } = world.workspace.env;
    const { status, output } = await runner.runAsync(script, {
      cwd: world.workspace.projectDir,
      env: { ...workspace, KUBECONFIG: world.kubeEnv.KUBECONFIG, ...env },
      path: [world.kubeEnv.PATH ?? ""],
    });
    let report = "";
    try {
      report = readFileSync(path.join(runner.temp, "rollout", "report.md"), "utf8");
    } catch {
      // Only the collection step writes a report.
    }
    return { status, output, report };
  } finally {
    runner.dispose();
  }
}

/**
 * The resources a `pulumi preview --json` plans to change: `<type>::<name>` of every step
 * whose op is not `same` (reads of stack references excluded), sorted and unique.
 */
export function changedResources(previewJson: string): string[] {
  const plan = JSON.parse(previewJson) as { steps?: { op: string; urn: string }[] };
  const names = (plan.steps ?? [])
    .filter((s) => s.op !== "same" && s.op !== "read" && s.op !== "refresh")
    .map((s) => {
      const parts = s.urn.split("::");
      const type = parts[2]!.split("$").at(-1)!;
      return `${type}::${parts.slice(3).join("::")}`;
    });
  return [...new Set(names)].sort();
}

/** The hand-written status quo (today's manifests, abridged): `:latest`, no probes, `app:` selectors. */
export function statusQuoManifests(namespace: string): object {
  const container = (name: string, role: string) => ({
    name,
    image: `${IMAGE}:latest`,
    env: [{ name: "ROLE", value: role }],
    ports: role === "api" ? [{ containerPort: 8000 }] : [],
  });
  const deployment = (name: string, role: string, replicas: number) => ({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace, labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [container(name, role)] } },
    },
  });
  return {
    apiVersion: "v1",
    kind: "List",
    items: [
      { apiVersion: "v1", kind: "Namespace", metadata: { name: namespace } },
      deployment(API, "api", 2),
      deployment(WORKER, "worker", 1),
      {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: API_SERVICE, namespace },
        spec: { selector: { app: API }, ports: [{ port: 80, targetPort: 8000 }] },
      },
    ],
  };
}

/** docs/operations.md "Take over": the steps exactly as written there, with a watcher on the Service. */
async function takeover(world: World): Promise<void> {
  const ns = NS.takeover;
  await kubectl(world.kubeEnv, ["apply", "-f", "-"], JSON.stringify(statusQuoManifests(ns)));
  await kubectl(world.kubeEnv, ["-n", ns, "rollout", "status", `deployment/${API}`, "--timeout=60s"]);
  const stack = await world.workspace.createStack("takeover", "staging", {
    ...TEST_STACK,
    ...EXTERNAL,
    namespace: ns,
    backendVersion: VERSIONS.A,
    apiReplicas: 2,
  });
  world.stacks.set("takeover", stack);
  const { recorder, started } = await recorded(world, ns, async () => {
    // 1. Keep the old pods serving under both selectors, then let go of their Deployments.
    await kubectl(world.kubeEnv, [
      "-n",
      ns,
      "label",
      "pods",
      "-l",
      `app=${API}`,
      `app.kubernetes.io/name=${API}`,
      `app.kubernetes.io/instance=${ns}`,
    ]);
    await kubectl(world.kubeEnv, ["-n", ns, "delete", "deployment", API, WORKER, "--cascade=orphan"]);
    // 2. The first pulumi up adopts the namespace and the Service and rolls the new Deployments.
    const up = await stack.up([], { PULUMI_K8S_UPSERT_EXISTING_OBJECTS: "true", PULUMI_K8S_ENABLE_PATCH_FORCE: "true" });
    succeeded(up, "the takeover's pulumi up");
    // 3. Remove the old ReplicaSets and their pods.
    await kubectl(world.kubeEnv, ["-n", ns, "delete", "replicaset", "-l", `app in (${API},${WORKER})`]);
    // 4. A plain pulumi up records that the provider no longer upserts nor forces
    //    (@pulumi/kubernetes copied the variables into its inputs); from then on nothing changes.
    succeeded(await stack.up(), "the plain pulumi up after the takeover");
    succeeded(await stack.preview(["--expect-no-changes"]), "pulumi preview --expect-no-changes after the takeover");
  });
  const min = recorder.minReadyEndpoints(started);
  check(min !== undefined && min > 0, `the api Service had ${min} ready endpoints during the takeover`);
  const image = await deploymentImage(world, ns, API);
  check(image === `${IMAGE}:${VERSIONS.A}`, `after the takeover ${API} runs ${image}`);
}
