/** The e2e harness's own logic (offline): selection, preview parsing, what is never passed on. */
import { expect } from "chai";
import { blockedTools, dependencyOutcome, missingToolsOutcome, readBlockedTools, report } from "../../e2e/scenarios/outcome";
import * as path from "node:path";
import { parseArgs, plan } from "../../e2e/scenarios/plan";
import { REDIRECTING_ENV, hasStackTrace } from "../../e2e/scenarios/pulumi";
import { SCENARIOS, changedResources } from "../../e2e/scenarios/scenarios";

describe("e2e scenarios harness", () => {
  it("has the ten scenarios of issue 10 (first-deploy's dev-like stack on its own) and issue 12's four, each starting only from earlier ones", () => {
    expect(SCENARIOS.map((s) => s.id)).to.deep.equal([
      "first-deploy",
      "first-deploy-dev",
      "upgrade-zero-downtime",
      "failed-migration",
      "failed-rollout",
      "rollback-after-failure",
      "promotion",
      "downgrade-refused",
      "drift",
      "takeover",
      "github-side",
      "auto-rollback",
      "incident-on-unsafe-failure",
      "verified-pin",
      "promotion-soak",
    ]);
    SCENARIOS.forEach((s, i) => {
      for (const dep of s.after)
        expect(
          SCENARIOS.findIndex((o) => o.id === dep),
          `${s.id} after ${dep}`,
        ).to.be.within(0, i - 1);
    });
  });

  it("--only runs what a scenario starts from, and reports only the selected one", () => {
    const { run, report } = plan(parseArgs(["--only", "rollback-after-failure"]).only);
    expect(run.map((s) => s.id)).to.deep.equal([
      "first-deploy",
      "upgrade-zero-downtime",
      "failed-migration",
      "failed-rollout",
      "rollback-after-failure",
    ]);
    expect([...report]).to.deep.equal(["rollback-after-failure"]);
    expect(parseArgs(["--keep"])).to.deep.equal({ only: [], keep: true });
    expect(() => parseArgs(["--only", "nope"])).to.throw(/--only nope: not a scenario; scenarios: first-deploy/);
  });

  it("reads the changing resources of `pulumi preview --json`", () => {
    const preview = JSON.stringify({
      steps: [
        { op: "same", urn: "urn:pulumi:staging::smartem::pulumi:pulumi:Stack::smartem-staging" },
        { op: "read", urn: "urn:pulumi:staging::smartem::pulumi:pulumi:StackReference::backend-deployed-version" },
        {
          op: "create-replacement",
          urn: "urn:pulumi:staging::smartem::smartem:backend:Backend$kubernetes:batch/v1:Job::smartem-migrate",
        },
        { op: "replace", urn: "urn:pulumi:staging::smartem::smartem:backend:Backend$kubernetes:batch/v1:Job::smartem-migrate" },
        {
          op: "update",
          urn: "urn:pulumi:staging::smartem::smartem:backend:Backend$kubernetes:apps/v1:Deployment::smartem-worker",
        },
      ],
    });
    expect(changedResources(preview)).to.deep.equal([
      "kubernetes:apps/v1:Deployment::smartem-worker",
      "kubernetes:batch/v1:Job::smartem-migrate",
    ]);
  });

  it("never passes on what would redirect a provider or the state", () => {
    for (const key of [
      "GITHUB_TOKEN",
      "GITHUB_BASE_URL",
      "GITHUB_OWNER",
      "GITHUB_ORGANIZATION",
      "GITHUB_APP_ID",
      "KUBECONFIG",
      "PULUMI_K8S_UPSERT_EXISTING_OBJECTS",
      "PULUMI_BACKEND_URL",
    ]) {
      expect(REDIRECTING_ENV.test(key), key).to.equal(true);
    }
    expect(REDIRECTING_ENV.test("PATH")).to.equal(false);
  });

  it("tells a JavaScript stack trace from a config error", () => {
    expect(hasStackTrace("Error: boom\n    at runProgram (/p/components/program.ts:12:3)\n")).to.equal(true);
    expect(hasStackTrace("error: smartem:backendVersion = 0.1.0: 0.1.0 is lower than 0.2.0")).to.equal(false);
  });

  describe("outcomes", () => {
    const pins = {
      packages: {
        "@pulumi/pulumi": { module: "github.com/pulumi/pulumi/pkg/v3", unavailable: { built: "3.276.0" } },
        "@pulumi/kubernetes": { module: "github.com/pulumi/pulumi-kubernetes/provider/v4", unavailable: { built: "4.0.0-x" } },
        "@pulumi/random": { module: "github.com/pulumi/pulumi-random/provider/v4", unavailable: { built: null } },
      },
    };
    const blocked = blockedTools(pins);

    it("blocks only the providers whose Go module the proxy does not serve at all", () => {
      expect([...blocked.keys()]).to.deep.equal(["pulumi-resource-random"]);
    });

    it("runs first-deploy-dev on the stand-in random provider; only the GitHub provider still blocks a scenario", () => {
      const recorded = readBlockedTools(path.resolve(__dirname, "../.."));
      expect([...recorded.keys()]).to.deep.equal(["pulumi-resource-github"]);
      const toolsOf = (id: string) => SCENARIOS.find((s) => s.id === id)?.tools ?? [];
      expect(missingToolsOutcome(toolsOf("first-deploy-dev"), recorded)?.status).to.equal("failed");
      expect(missingToolsOutcome(toolsOf("github-side"), recorded)?.status).to.equal("skipped");
    });

    it("skips a scenario whose missing tool is blocked, fails one whose missing tool is merely not built", () => {
      expect(missingToolsOutcome(["pulumi-resource-random"], blocked)).to.deep.equal({
        status: "skipped",
        why: "blocked: pulumi-resource-random: github.com/pulumi/pulumi-random/provider/v4 is not served by the Go module proxy",
      });
      expect(missingToolsOutcome(["pulumi-resource-random", "pulumi-resource-kubernetes"], blocked)).to.deep.equal({
        status: "failed",
        why: "tool missing on PATH: pulumi-resource-kubernetes (see e2e/README.md)",
      });
      expect(missingToolsOutcome([], blocked)).to.equal(undefined);
    });

    it("carries a failed or skipped starting point over to the scenarios after it", () => {
      const results = new Map([
        ["a", { status: "failed" as const, why: "x" }],
        ["b", { status: "skipped" as const, why: "blocked: y" }],
      ]);
      expect(dependencyOutcome(["a"], results)).to.deep.equal({ status: "failed", why: "it starts from a, which failed" });
      expect(dependencyOutcome(["b"], results)?.status).to.equal("skipped");
      expect(dependencyOutcome([], results)).to.equal(undefined);
    });

    it("reports skipped apart from passed and failed, and fails the run only on a failure", () => {
      const skippedOnly = report(
        ["a", "b"],
        new Map([
          ["a", { status: "passed" as const }],
          ["b", { status: "skipped" as const, why: "blocked: z" }],
        ]),
      );
      expect(skippedOnly).to.deep.equal({
        lines: ["e2e: a: passed", "e2e: b: skipped (blocked: z)", "1 passed, 0 failed, 1 skipped"],
        code: 0,
      });
      const notRun = report(["a", "b"], new Map([["a", { status: "passed" as const }]]));
      expect(notRun.lines.slice(1)).to.deep.equal(["e2e: b: failed (not run)", "1 passed, 1 failed"]);
      expect(notRun.code).to.equal(1);
    });
  });
});
