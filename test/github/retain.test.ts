import { expect } from "chai";
import { evaluateStack } from "../support/evaluate";
import { TYPES } from "../../components/shared/project";

describe("turning smartem:manageGithub off leaves the GitHub side in place", () => {
  it("every GitHub resource is retained on delete: the pypi environment, its policy, the rulesets, the workflow file", async () => {
    const ev = await evaluateStack("dev");
    const githubResources = ev.resources.filter((r) => r.custom && r.type.startsWith("github:"));
    const types = new Set(githubResources.map((r) => r.type));
    expect([...types].sort()).to.deep.equal([TYPES.environment, TYPES.deploymentPolicy, TYPES.repositoryFile, TYPES.ruleset]);
    const deletable = githubResources.filter((r) => r.retainOnDelete !== true).map((r) => `${r.type} ${r.name}`);
    expect(deletable).to.deep.equal([]);
  });

  it("the Kubernetes objects are not retained (apart from the namespace): a destroy removes them", async () => {
    const ev = await evaluateStack("dev");
    const retained = ev.resources.filter((r) => r.type.startsWith("kubernetes:") && r.retainOnDelete).map((r) => r.type);
    expect(retained).to.deep.equal([TYPES.namespace]);
  });
});
