/** The e2e harness's own logic (offline): selection, preview parsing, what is never passed on. */
import { expect } from "chai";
import { parseArgs, plan } from "../../e2e/scenarios/plan";
import { REDIRECTING_ENV, hasStackTrace } from "../../e2e/scenarios/pulumi";
import { SCENARIOS, changedResources } from "../../e2e/scenarios/scenarios";

describe("e2e scenarios harness", () => {
  it("has the ten scenarios of issue 10, each starting only from earlier ones", () => {
    expect(SCENARIOS.map((s) => s.id)).to.deep.equal([
      "first-deploy",
      "upgrade-zero-downtime",
      "failed-migration",
      "failed-rollout",
      "rollback-after-failure",
      "promotion",
      "downgrade-refused",
      "drift",
      "takeover",
      "github-side",
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
});
