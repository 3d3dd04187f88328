/**
 * A stable release starts this project's bump PRs at once: the release workflow's bump-trigger
 * job, its environment in the package repository, and its script run as GitHub runs it.
 */
import { expect } from "chai";
import { parse } from "yaml";
import { RunStep } from "../../components/actions/model";
import { BUMP_TRIGGER_SCRIPT } from "../../components/release/bump-trigger";
import { SMARTEM_DECISIONS, pythonPackage } from "../../components/release/package";
import { JOB, releasePlan } from "../../components/release/release-workflow";
import { TYPES } from "../../components/shared/project";
import { evaluateStack, resource, resourcesOfType } from "../support/evaluate";
import { GithubRunner } from "../support/github-step";
import { EPUPLAYER } from "../support/packages";

const TRIGGER = { repository: "DiamondLightSource/smartem-release-infra", image: "ghcr.io/diamondlightsource/smartem-decisions" };

interface WorkflowFile {
  jobs: Record<string, { if?: string; needs?: string[]; permissions?: object; environment?: { name: string }; steps: RunStep[] }>;
}

/** The release workflow production commits to DiamondLightSource/smartem-decisions, as GitHub reads it. */
async function productionWorkflow(overrides: Record<string, string> = {}): Promise<WorkflowFile> {
  const evaluation = await evaluateStack("production", overrides);
  return parse(String(resource(evaluation, TYPES.repositoryFile, "smartem-decisions-workflow").inputs.content)) as WorkflowFile;
}

describe("the bump trigger of a stable release", () => {
  it("production's release workflow ends a stable release by starting bump.yml, with nothing from GITHUB_TOKEN and the token from its environment", async () => {
    const job = (await productionWorkflow()).jobs[JOB.bumpTrigger];
    expect(job, "no bump-trigger job").to.not.equal(undefined);
    expect(job!.if).to.equal("needs.version.outputs.kind == 'stable'");
    // After the image exists, so the bump PR can pin its verified digest.
    expect(job!.needs).to.deep.equal([JOB.version, JOB.container]);
    expect(job!.permissions).to.deep.equal({});
    expect(job!.environment).to.deep.equal({ name: "bump-trigger" });
    expect(job!.steps).to.have.length(1);
    expect(job!.steps[0]!.env).to.deep.equal({
      GH_TOKEN: "${{ secrets.SMARTEM_BUMP_TRIGGER_TOKEN }}",
      DELIVERY_REPOSITORY: "DiamondLightSource/smartem-release-infra",
      WORKFLOW: "bump.yml",
      VERSION: "${{ needs.version.outputs.version }}",
    });
  });

  it("is only where the stack names this project's repository, and only for the package that pushes the backend's image", async () => {
    const dev = await evaluateStack("dev");
    const devWorkflow = parse(
      String(resource(dev, TYPES.repositoryFile, "smartem-decisions-workflow").inputs.content),
    ) as WorkflowFile;
    expect(Object.keys(devWorkflow.jobs)).to.not.include(JOB.bumpTrigger);
    expect(resourcesOfType(dev, TYPES.environment).map((r) => r.inputs.environment)).to.not.include("bump-trigger");

    expect(Object.keys(releasePlan(pythonPackage(EPUPLAYER), TRIGGER).workflow.jobs)).to.not.include(JOB.bumpTrigger);
    const otherImage = { ...TRIGGER, image: "ghcr.io/diamondlightsource/something-else" };
    expect(Object.keys(releasePlan(pythonPackage(SMARTEM_DECISIONS), otherImage).workflow.jobs)).to.not.include(JOB.bumpTrigger);
    expect(Object.keys(releasePlan(pythonPackage(SMARTEM_DECISIONS), TRIGGER).workflow.jobs)).to.include(JOB.bumpTrigger);
  });

  it("its environment admits only the package's release tags, and the workflow lands after it exists", async () => {
    const evaluation = await evaluateStack("production");
    const environment = resource(evaluation, TYPES.environment, "smartem-decisions-bump-trigger");
    expect(environment.inputs).to.deep.include({
      repository: "smartem-decisions",
      environment: "bump-trigger",
      canAdminsBypass: false,
      deploymentBranchPolicy: { protectedBranches: false, customBranchPolicies: true },
    });
    const policies = resourcesOfType(evaluation, TYPES.deploymentPolicy).filter((r) => r.inputs.environment === "bump-trigger");
    expect(policies.map((r) => r.inputs)).to.deep.equal([
      { repository: "smartem-decisions", environment: "bump-trigger", tagPattern: "smartem-decisions-v*" },
    ]);
    // A workflow naming a missing environment makes GitHub create it unprotected.
    const file = resource(evaluation, TYPES.repositoryFile, "smartem-decisions-workflow");
    expect(file.dependsOn).to.include.members([environment.urn, policies[0]!.urn]);
  });
});

describe("the bump trigger's script, run as GitHub runs it (bash --noprofile --norc -eo pipefail) with a fake gh", () => {
  let runner: GithubRunner;
  beforeEach(() => {
    runner = new GithubRunner("bump-trigger");
    // Records the token it was given; exits with FAKE_GH_EXIT.
    runner.fake("gh", [
      'echo "token=$GH_TOKEN" >> "$calls"',
      'if [ "${FAKE_GH_EXIT:-0}" != 0 ]; then echo "HTTP 403: Resource not accessible by personal access token" >&2; fi',
      'exit "${FAKE_GH_EXIT:-0}"',
    ]);
  });
  afterEach(() => runner.dispose());

  function run(env: Record<string, string>): { status: number; output: string; calls: string } {
    const result = runner.run(BUMP_TRIGGER_SCRIPT, {
      env: { DELIVERY_REPOSITORY: TRIGGER.repository, WORKFLOW: "bump.yml", VERSION: "0.2.0", ...env },
    });
    return { status: result.status, output: result.output, calls: runner.calls("gh") };
  }

  it("starts bump.yml of this project's repository with the environment's token", () => {
    const { status, output, calls } = run({ GH_TOKEN: "ghp_trigger" });
    expect(status, output).to.equal(0);
    expect(calls).to.equal(`workflow run bump.yml --repo ${TRIGGER.repository}\ntoken=ghp_trigger\n`);
    expect(output).to.contain(`started bump.yml of ${TRIGGER.repository} for 0.2.0`);
  });

  it("without the secret (GitHub passes an empty string) the release stays green and says the schedule picks 0.2.0 up", () => {
    const { status, output, calls } = run({ GH_TOKEN: "" });
    expect(status, output).to.equal(0);
    expect(calls).to.equal("");
    expect(output).to.contain(
      "::warning::no SMARTEM_BUMP_TRIGGER_TOKEN in the bump-trigger environment: bump.yml of DiamondLightSource/smartem-release-infra proposes 0.2.0 at its next scheduled run",
    );
  });

  it("a refused start (a token without Actions: write) fails the job, with GitHub's answer", () => {
    const { status, output } = run({ GH_TOKEN: "ghp_readonly", FAKE_GH_EXIT: "1" });
    expect(status).to.equal(1);
    expect(output).to.contain("HTTP 403");
    expect(output).to.not.contain("started bump.yml");
  });
});
