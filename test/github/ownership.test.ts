import { expect } from "chai";
import { managedRepositories, repositoryOwnershipProblems } from "../../components/github/ownership";
import { loadStackConfig } from "../../components/program-config";
import { offlineOptions } from "../../tools/engine/offline";
import { listStacks } from "../../tools/engine/stack-file";
import { evaluateStack } from "../support/evaluate";
import { TYPES } from "../../components/shared/project";
import { rejection } from "../support/refusals";

const isGithub = (type: string): boolean => type.startsWith("github:") || type === TYPES.githubProvider;

describe("one stack owns each repository's GitHub side (smartem:manageGithub)", () => {
  it("no two checked-in stacks converge the same owner/repository (the program's own rule)", () => {
    const stacks = listStacks().map((stack) => ({ stack, config: loadStackConfig(offlineOptions(stack).config) }));
    for (const { stack, config } of stacks) expect(repositoryOwnershipProblems(stack, config, stacks)).to.deep.equal([]);
    const owners = stacks.filter((s) => managedRepositories(s.config).includes("diamondlightsource/smartem-decisions"));
    expect(owners.map((s) => s.stack)).to.deep.equal(["production"]);
  });

  it("refuses a repository managed by two stacks, whatever the case of the owner", () => {
    const own = { manageGithub: true, githubOwner: "diamondlightsource", packages: [{ repository: "smartem-decisions" }] };
    const production = { manageGithub: true, githubOwner: "DiamondLightSource", packages: [{ repository: "Smartem-Decisions" }] };
    expect(
      repositoryOwnershipProblems("dev", own, [{ stack: "production", config: production }]).map((p) => p.message),
    ).to.have.length(1);
    expect(
      repositoryOwnershipProblems("dev", own, [{ stack: "production", config: { ...production, manageGithub: false } }]),
    ).to.deep.equal([]);
  });

  it("a stack that does not manage GitHub registers no GitHub resource and needs no reviewers", async () => {
    const ev = await evaluateStack("staging");
    expect(ev.resources.filter((r) => isGithub(r.type))).to.deep.equal([]);
    expect(ev.outputs).to.not.have.property("trustedPublisher");
  });

  it("a stack that manages GitHub must name the PyPI reviewers", async () => {
    const error = await rejection(evaluateStack("staging", { manageGithub: "true" }));
    expect(error.message).to.match(/smartem:pypiReviewers = \(unset\): required: .*allowed: \{users/);
  });
});
