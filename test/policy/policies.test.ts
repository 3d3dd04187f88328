import { expect } from "chai";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { applyPolicy, applyStackPolicy } from "../../tools/engine/policy-check";
import {
  apiZeroDowntimeRollout,
  pinnedImages,
  podSecurityRestricted,
  policies,
  pypiEnvironmentTagOnly,
  releaseTagRulesetActive,
  releaseTagsImmutable,
  workflowFilesHardened,
} from "../../policy/policies";
import { TYPES } from "../../components/shared/project";
import { OBJECT_NAMES } from "../../components/backend/names";
import { COMPONENT_LABEL } from "../../components/backend/labels";

const DEPLOYMENT = TYPES.deployment;
const JOB = TYPES.job;
const STATEFUL_SET = TYPES.statefulSet;
const RULESET = TYPES.ruleset;
const ENVIRONMENT = TYPES.environment;
const FILE = TYPES.repositoryFile;
const SHA = "d23441a48e516b6c34aea4fa41551a30e30af803";
const PUBLISH_SHA = "dc37677b2e1c63e2034f94d8a5b11f265b73ba33";

/** Calls the policy's validateResource with fake args, as the policy engine would. */
function violations(policy: ResourceValidationPolicy, type: string, props: unknown, name = "subject"): Promise<string[]> {
  return applyPolicy(policy, { type, name, props: props as Record<string, unknown> });
}

type Mutable = Record<string, any>;

function restrictedContainer(name: string, image: string): Mutable {
  return {
    name,
    image,
    readinessProbe: { httpGet: { path: "/health", port: 8000 } },
    securityContext: {
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    },
  };
}

function apiDeployment(mutate: (d: Mutable) => void = () => {}): Mutable {
  const deployment: Mutable = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: OBJECT_NAMES.api, namespace: "smartem-decisions", labels: { [COMPONENT_LABEL]: "api" } },
    spec: {
      replicas: 3,
      strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: { labels: { [COMPONENT_LABEL]: "api" } },
        spec: {
          securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
          containers: [restrictedContainer("api", "ghcr.io/diamondlightsource/smartem-decisions:0.1.1rc52")],
        },
      },
    },
  };
  mutate(deployment);
  return deployment;
}

function migrationJob(image: string): Mutable {
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    spec: { template: { spec: { containers: [restrictedContainer("migrate", image)] } } },
  };
}

describe("policy pack", () => {
  it("every policy is mandatory and has a unique name", () => {
    expect(policies.map((p) => p.enforcementLevel)).to.deep.equal(policies.map(() => "mandatory"));
    expect(new Set(policies.map((p) => p.name)).size).to.equal(policies.length);
  });

  describe("pinned-images", () => {
    it("accepts the smartem image at a released version and other images at an exact version or digest", async () => {
      expect(await violations(pinnedImages, DEPLOYMENT, apiDeployment())).to.deep.equal([]);
      expect(
        await violations(pinnedImages, JOB, migrationJob("ghcr.io/diamondlightsource/smartem-decisions:0.1.0")),
      ).to.deep.equal([]);
      expect(await violations(pinnedImages, STATEFUL_SET, migrationJob("docker.io/library/postgres:16.4-alpine"))).to.deep.equal(
        [],
      );
      const digest = `rabbitmq@sha256:${"a".repeat(64)}`;
      expect(await violations(pinnedImages, STATEFUL_SET, migrationJob(digest))).to.deep.equal([]);
      expect(await violations(pinnedImages, STATEFUL_SET, migrationJob("registry:5000/tools/psql:15.2"))).to.deep.equal([]);
    });

    const bad: Array<[string, string, RegExp]> = [
      ["smartem latest", "ghcr.io/diamondlightsource/smartem-decisions:latest", /not a released version/],
      ["smartem untagged", "ghcr.io/diamondlightsource/smartem-decisions", /untagged/],
      [
        "smartem digest without a version tag",
        `ghcr.io/diamondlightsource/smartem-decisions@sha256:${"b".repeat(64)}`,
        /untagged/,
      ],
      ["smartem non-canonical version", "ghcr.io/diamondlightsource/smartem-decisions:v0.1.0", /canonical/],
      ["smartem dev version", "ghcr.io/diamondlightsource/smartem-decisions:0.1.1.dev3", /dev version/],
      ["other latest", "postgres:latest", /"latest"/],
      ["other untagged", "postgres", /untagged/],
      ["other major-only tag", "postgres:16", /not an exact version/],
      ["other word tag", "rabbitmq:management", /not an exact version/],
      ["malformed digest", "postgres@sha256:abc", /malformed digest/],
    ];
    for (const [what, image, message] of bad) {
      it(`rejects ${what} (${image}) in every workload kind`, async () => {
        const found = await violations(pinnedImages, JOB, migrationJob(image), "migrate");
        expect(found).to.have.length(1);
        expect(found[0]).to.match(message).and.to.contain("containers[0] (migrate)");
        const inDeployment = apiDeployment((d) => (d.spec.template.spec.initContainers = [restrictedContainer("init", image)]));
        expect(await violations(pinnedImages, DEPLOYMENT, inDeployment)).to.have.length(1);
      });
    }

    it("ignores resources that run no pods", async () => {
      expect(await violations(pinnedImages, TYPES.service, { spec: { containers: [{ image: "x" }] } })).to.deep.equal([]);
    });
  });

  describe("pod-security-restricted", () => {
    it("accepts a restricted pod spec (settings at pod or container level)", async () => {
      expect(await violations(podSecurityRestricted, DEPLOYMENT, apiDeployment())).to.deep.equal([]);
      expect(await violations(podSecurityRestricted, JOB, migrationJob("x:1.0"))).to.deep.equal([]);
    });

    const breaches: Array<[string, (d: Mutable) => void, RegExp]> = [
      [
        "root allowed",
        (d) => {
          delete d.spec.template.spec.securityContext.runAsNonRoot;
          delete d.spec.template.spec.containers[0].securityContext.runAsNonRoot;
        },
        /runAsNonRoot/,
      ],
      [
        "privilege escalation",
        (d) => delete d.spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation,
        /allowPrivilegeEscalation/,
      ],
      [
        "capabilities kept",
        (d) => (d.spec.template.spec.containers[0].securityContext.capabilities = { drop: ["NET_RAW"] }),
        /drop: \["ALL"\]/,
      ],
      [
        "no seccomp",
        (d) => {
          delete d.spec.template.spec.securityContext.seccompProfile;
          delete d.spec.template.spec.containers[0].securityContext.seccompProfile;
        },
        /seccompProfile/,
      ],
      ["privileged", (d) => (d.spec.template.spec.containers[0].securityContext.privileged = true), /privileged/],
      [
        "hostPath",
        (d) => (d.spec.template.spec.volumes = [{ name: "docker", hostPath: { path: "/var/run/docker.sock" } }]),
        /hostPath/,
      ],
      ["hostNetwork", (d) => (d.spec.template.spec.hostNetwork = true), /hostNetwork/],
      ["hostPID", (d) => (d.spec.template.spec.hostPID = true), /hostPID/],
      ["hostIPC", (d) => (d.spec.template.spec.hostIPC = true), /hostIPC/],
      ["uid 0 for the pod", (d) => (d.spec.template.spec.securityContext.runAsUser = 0), /pod securityContext.runAsUser is 0/],
      [
        "uid 0 for a container",
        (d) => (d.spec.template.spec.containers[0].securityContext.runAsUser = 0),
        /\(api\): securityContext.runAsUser is 0/,
      ],
      [
        "an added capability other than NET_BIND_SERVICE",
        (d) => (d.spec.template.spec.containers[0].securityContext.capabilities = { drop: ["ALL"], add: ["SYS_ADMIN"] }),
        /capabilities.add \["SYS_ADMIN"\] is not allowed/,
      ],
      [
        "an Unconfined seccomp profile",
        (d) => (d.spec.template.spec.containers[0].securityContext.seccompProfile = { type: "Unconfined" }),
        /seccompProfile/,
      ],
      ["a pod without containers", (d) => (d.spec.template.spec.containers = []), /no containers/],
    ];
    for (const [what, mutate, message] of breaches) {
      it(`rejects ${what}`, async () => {
        const found = await violations(podSecurityRestricted, DEPLOYMENT, apiDeployment(mutate));
        expect(found).to.have.length(1);
        expect(found[0]).to.match(message);
      });
    }

    it("accepts NET_BIND_SERVICE, the one capability restricted lets a container add", async () => {
      const binding = apiDeployment(
        (d) => (d.spec.template.spec.containers[0].securityContext.capabilities = { drop: ["ALL"], add: ["NET_BIND_SERVICE"] }),
      );
      expect(await violations(podSecurityRestricted, DEPLOYMENT, binding)).to.deep.equal([]);
    });
  });

  describe("api-zero-downtime-rollout", () => {
    it("accepts the api Deployment with maxUnavailable 0 and a readiness probe", async () => {
      expect(await violations(apiZeroDowntimeRollout, DEPLOYMENT, apiDeployment(), OBJECT_NAMES.api)).to.deep.equal([]);
    });

    it("rejects an api Deployment that may drop capacity or has no readiness probe", async () => {
      const surgeOnly = apiDeployment((d) => delete d.spec.strategy);
      expect((await violations(apiZeroDowntimeRollout, DEPLOYMENT, surgeOnly)).join()).to.match(/maxUnavailable/);
      const unprobed = apiDeployment((d) => delete d.spec.template.spec.containers[0].readinessProbe);
      expect((await violations(apiZeroDowntimeRollout, DEPLOYMENT, unprobed)).join()).to.match(/readinessProbe/);
      const recreate = apiDeployment((d) => (d.spec.strategy = { type: "Recreate" }));
      expect(await violations(apiZeroDowntimeRollout, DEPLOYMENT, recreate)).to.have.length(2);
    });

    it("recognises the api by name or by component label, and leaves the worker alone", async () => {
      const byLabelOnly = apiDeployment((d) => {
        d.metadata.name = "api-blue";
        delete d.spec.strategy;
      });
      expect(await violations(apiZeroDowntimeRollout, DEPLOYMENT, byLabelOnly, "api-blue")).to.have.length(1);
      const byNameOnly = apiDeployment((d) => {
        delete d.metadata.labels;
        delete d.spec.template.metadata.labels;
        delete d.spec.strategy;
      });
      expect(await violations(apiZeroDowntimeRollout, DEPLOYMENT, byNameOnly)).to.have.length(1);
      const worker = apiDeployment((d) => {
        d.metadata = { name: OBJECT_NAMES.worker, labels: { [COMPONENT_LABEL]: "worker" } };
        d.spec.template.metadata.labels = { [COMPONENT_LABEL]: "worker" };
        delete d.spec.strategy;
        delete d.spec.template.spec.containers[0].readinessProbe;
      });
      expect(await violations(apiZeroDowntimeRollout, DEPLOYMENT, worker, OBJECT_NAMES.worker)).to.deep.equal([]);
    });
  });

  describe("release-tag rulesets", () => {
    const RELEASE_TAGS = ["refs/tags/smartem-decisions-v*", "refs/tags/smartem-decisions-v*/**/*"];
    const immutable = (changes: Mutable = {}): Mutable => ({
      name: "smartem-decisions-release-tags-immutable",
      repository: "smartem-decisions",
      target: "tag",
      enforcement: "active",
      bypassActors: [],
      conditions: { refName: { includes: RELEASE_TAGS, excludes: [] } },
      rules: { deletion: true, update: true, nonFastForward: true },
      ...changes,
    });
    const creation = (changes: Mutable = {}): Mutable => ({
      name: "smartem-decisions-stable-tag-creation",
      repository: "smartem-decisions",
      target: "tag",
      enforcement: "active",
      bypassActors: [{ actorId: 5, actorType: "RepositoryRole", bypassMode: "always" }],
      conditions: { refName: { includes: RELEASE_TAGS, excludes: ["refs/tags/smartem-decisions-v[0-9]*rc[0-9]*"] } },
      rules: { creation: true },
      ...changes,
    });

    describe("release-tag-ruleset-active (each ruleset)", () => {
      it("accepts an active immutability ruleset and an active creation ruleset with bypass actors", async () => {
        expect(await violations(releaseTagRulesetActive, RULESET, immutable())).to.deep.equal([]);
        expect(await violations(releaseTagRulesetActive, RULESET, creation())).to.deep.equal([]);
      });

      it("rejects a tag ruleset that is not active", async () => {
        for (const enforcement of ["evaluate", "disabled", undefined]) {
          expect((await violations(releaseTagRulesetActive, RULESET, creation({ enforcement }))).join()).to.match(
            /must be "active"/,
          );
        }
      });

      it("rejects half an immutability rule, or one that someone may bypass", async () => {
        const movable = immutable({ rules: { deletion: true } });
        expect((await violations(releaseTagRulesetActive, RULESET, movable)).join()).to.match(/rules.update is not/);
        const deletable = immutable({ rules: { update: true, deletion: false } });
        expect((await violations(releaseTagRulesetActive, RULESET, deletable)).join()).to.match(/rules.deletion is not/);
        const bypassable = immutable({ bypassActors: [{ actorId: 5, actorType: "RepositoryRole", bypassMode: "always" }] });
        expect((await violations(releaseTagRulesetActive, RULESET, bypassable)).join()).to.match(/1 bypass actor/);
      });

      it("leaves branch rulesets alone", async () => {
        expect(
          await violations(releaseTagRulesetActive, RULESET, immutable({ target: "branch", enforcement: "disabled" })),
        ).to.deep.equal([]);
      });
    });

    describe("release-tags-immutable (the rulesets together)", () => {
      const stack = (...props: Mutable[]) =>
        applyStackPolicy(
          releaseTagsImmutable,
          props.map((p, i) => ({ type: RULESET, name: `ruleset-${i}`, urn: `urn:ruleset-${i}`, props: p })),
        );

      it("accepts protected release tags that an active, unbypassable ruleset also makes immutable", async () => {
        expect(await stack(creation(), immutable())).to.deep.equal([]);
        expect(
          await stack(creation(), immutable({ conditions: { refName: { includes: ["~ALL"], excludes: [] } } })),
        ).to.deep.equal([]);
      });

      it("names the ruleset whose tags anyone could still delete or move", async () => {
        const uncovered = await stack(creation(), immutable({ enforcement: "evaluate" }), immutable({ repository: "other" }));
        expect(uncovered.map((v) => v.urn)).to.deep.equal(["urn:ruleset-0", "urn:ruleset-1"]);
        expect(uncovered[0]?.message).to.contain(
          'protects "refs/tags/smartem-decisions-v*", "refs/tags/smartem-decisions-v*/**/*" in smartem-decisions',
        );
        // An immutability ruleset someone may bypass, or one that blocks only deletion, covers nothing.
        const bypassable = immutable({ bypassActors: [{ actorId: 5, actorType: "RepositoryRole", bypassMode: "always" }] });
        expect((await stack(creation(), bypassable)).map((v) => v.urn)).to.deep.equal(["urn:ruleset-0", "urn:ruleset-1"]);
        const deletionOnly = immutable({ rules: { deletion: true } });
        expect((await stack(creation(), deletionOnly)).map((v) => v.urn)).to.deep.equal(["urn:ruleset-0", "urn:ruleset-1"]);
        const halfCovered = await stack(
          creation(),
          immutable({ conditions: { refName: { includes: [RELEASE_TAGS[0]], excludes: [] } } }),
        );
        expect(halfCovered.map((v) => v.message)).to.deep.equal([
          `protects "refs/tags/smartem-decisions-v*/**/*" in smartem-decisions, but no active tag ruleset there blocks deleting and moving those tags (rules.deletion and rules.update true, no bypassActors)`,
        ]);
      });
    });
  });

  describe("pypi-environment-tag-only (the workflows and their environments together)", () => {
    const POLICY = TYPES.deploymentPolicy;
    const publishing = (environment: unknown) => ({
      repository: "smartem-decisions",
      file: ".github/workflows/release-x.yml",
      content: [
        "permissions: {}",
        "jobs:",
        "  publish:",
        ...(environment === undefined ? [] : [`    environment: ${JSON.stringify(environment)}`]),
        "    steps:",
        `      - uses: pypa/gh-action-pypi-publish@${PUBLISH_SHA}`,
      ].join("\n"),
    });
    const environment = (changes: Mutable = {}): Mutable => ({
      repository: "smartem-decisions",
      environment: "pypi-sd",
      canAdminsBypass: false,
      preventSelfReview: true,
      reviewers: [{ teams: [1234], users: [] }],
      deploymentBranchPolicy: { protectedBranches: false, customBranchPolicies: true },
      ...changes,
    });
    const tagPolicy = (changes: Mutable = {}): Mutable => ({
      repository: "smartem-decisions",
      environment: "pypi-sd",
      tagPattern: "sd-v*",
      ...changes,
    });
    const stack = (file: Mutable, env?: Mutable, ...deploymentPolicies: Mutable[]) =>
      applyStackPolicy(pypiEnvironmentTagOnly, [
        { type: FILE, name: "workflow", urn: "urn:workflow", props: file },
        ...(env ? [{ type: ENVIRONMENT, name: "environment", urn: "urn:environment", props: env }] : []),
        ...deploymentPolicies.map((p, i) => ({ type: POLICY, name: `policy-${i}`, urn: `urn:policy-${i}`, props: p })),
      ]);

    it("accepts a publish job in a tag-only, reviewed environment without admin bypass, whatever its name", async () => {
      expect(await stack(publishing({ name: "pypi-sd", url: "https://pypi.org/p/x" }), environment(), tagPolicy())).to.deep.equal(
        [],
      );
      expect(await stack(publishing("pypi-sd"), environment(), tagPolicy())).to.deep.equal([]);
    });

    it("rejects branch deployments, admin bypass (also by default) and missing reviewers", async () => {
      const messages = async (env: Mutable) =>
        (await stack(publishing("pypi-sd"), env, tagPolicy())).map((v) => v.message).join();
      expect(
        await messages(environment({ deploymentBranchPolicy: { protectedBranches: true, customBranchPolicies: false } })),
      ).to.match(/deploymentBranchPolicy/);
      expect(await messages(environment({ deploymentBranchPolicy: undefined }))).to.match(/deploymentBranchPolicy/);
      expect(await messages(environment({ canAdminsBypass: undefined }))).to.match(/canAdminsBypass/);
      expect(await messages(environment({ reviewers: [{ teams: [], users: [] }] }))).to.match(/no reviewer/);
    });

    it("rejects an environment that admits no release tag, or admits a branch", async () => {
      expect((await stack(publishing("pypi-sd"), environment())).map((v) => v.message)).to.deep.equal([
        "pypi-sd: no deployment policy admits release tags (tagPattern); add one for the package's tags",
      ]);
      const branch = await stack(
        publishing("pypi-sd"),
        environment(),
        tagPolicy(),
        tagPolicy({ tagPattern: undefined, branchPattern: "main" }),
      );
      expect(branch.map((v) => v.message).join()).to.match(/admits branches/);
      // As the provider reports a tag policy once it exists: an unset branch pattern as "".
      expect(await stack(publishing("pypi-sd"), environment(), tagPolicy({ branchPattern: "" }))).to.deep.equal([]);
    });

    it("rejects publishing from an environment this stack does not manage, or from none", async () => {
      const unmanaged = await stack(publishing("pypi-other"), environment(), tagPolicy());
      expect(unmanaged.map((v) => [v.urn, v.message])).to.deep.equal([
        [
          "urn:workflow",
          ".github/workflows/release-x.yml publishes to PyPI from environment pypi-other, which this stack does not manage in smartem-decisions (GitHub would create it unprotected)",
        ],
      ]);
      expect((await stack(publishing(undefined))).map((v) => v.message).join()).to.match(/without an environment/);
    });

    it("leaves environments no workflow publishes from alone", async () => {
      const docs = {
        repository: "smartem-decisions",
        file: ".github/workflows/docs.yml",
        content: "permissions: {}\njobs:\n  docs:\n    steps:\n      - run: make docs",
      };
      expect(await stack(docs, environment({ environment: "docs", canAdminsBypass: true }))).to.deep.equal([]);
    });
  });

  describe("workflow-files-hardened", () => {
    const workflow = (text: string, file = ".github/workflows/release-smartem-decisions.yml"): Mutable => ({
      repository: "smartem-decisions",
      branch: "main",
      file,
      content: text,
    });
    const good = `name: release
on:
  push:
    tags: ["smartem-decisions-v*"]
permissions: {}
jobs:
  build:
    runs-on: ubuntu-latest
    permissions:
      contents: read
    steps:
      - uses: actions/checkout@${SHA} # v6.1.0
      - run: uv build
  publish:
    needs: build
    runs-on: ubuntu-latest
    environment: pypi
    permissions:
      id-token: write
    steps:
      - uses: pypa/gh-action-pypi-publish@${PUBLISH_SHA} # v1.14.2
`;

    it("accepts SHA-pinned actions, an empty top-level grant and id-token only for the publish job", async () => {
      expect(await violations(workflowFilesHardened, FILE, workflow(good))).to.deep.equal([]);
      const readOnly = good.replace("permissions: {}", "permissions:\n  contents: read");
      expect(await violations(workflowFilesHardened, FILE, workflow(readOnly))).to.deep.equal([]);
    });

    it("rejects an action pinned by tag or branch", async () => {
      const tagged = good.replace(`actions/checkout@${SHA}`, "actions/checkout@v6");
      const found = await violations(workflowFilesHardened, FILE, workflow(tagged));
      expect(found).to.have.length(1);
      expect(found[0]).to.contain("job build: uses actions/checkout@v6").and.to.contain("40-character commit SHA");
      const shortSha = good.replace(`actions/checkout@${SHA}`, `actions/checkout@${SHA.slice(0, 7)}`);
      expect(await violations(workflowFilesHardened, FILE, workflow(shortSha))).to.have.length(1);
    });

    it("rejects workflow-level write permissions or a missing permissions block", async () => {
      const write = good.replace("permissions: {}", "permissions:\n  contents: write");
      expect((await violations(workflowFilesHardened, FILE, workflow(write))).join()).to.contain(
        "top-level permissions grant contents: write",
      );
      const writeAll = good.replace("permissions: {}", "permissions: write-all");
      expect(await violations(workflowFilesHardened, FILE, workflow(writeAll))).to.have.length(1);
      const missing = good.replace("permissions: {}\n", "");
      expect((await violations(workflowFilesHardened, FILE, workflow(missing))).join()).to.contain("missing");
    });

    it("rejects id-token: write in a job that does not publish", async () => {
      const leaky = good.replace("      contents: read", "      contents: read\n      id-token: write");
      const found = await violations(workflowFilesHardened, FILE, workflow(leaky));
      expect(found).to.deep.equal([
        `.github/workflows/release-smartem-decisions.yml: job build grants id-token: write but publishes nothing (only jobs using pypa/gh-action-pypi-publish or actions/attest-build-provenance may)`,
      ]);
    });

    it("reports unparsable YAML and ignores files outside .github/workflows/", async () => {
      expect((await violations(workflowFilesHardened, FILE, workflow("jobs: [unclosed"))).join()).to.contain("not valid YAML");
      expect(await violations(workflowFilesHardened, FILE, workflow("uses: anything@main", "docs/example.yml"))).to.deep.equal(
        [],
      );
    });
  });
});
