import { expect } from "chai";
import { loadStackConfig } from "../../components/program-config";
import { offlineOptions } from "../../tools/engine/offline";
import { listStacks } from "../../tools/engine/stack-file";
import { evaluateStack } from "../support/evaluate";

const isGithub = (type: string): boolean => type.startsWith("github:") || type === "pulumi:providers:github";

describe("one stack owns each repository's GitHub side (smartem:manageGithub)", () => {
  it("no two checked-in stacks converge the same owner/repository", () => {
    const owners = new Map<string, string>();
    for (const stack of listStacks()) {
      const config = loadStackConfig(offlineOptions(stack).config);
      if (!config.manageGithub) continue;
      for (const pkg of config.packages) {
        const repo = `${config.githubOwner}/${pkg.repository}`;
        expect(owners.get(repo), `${repo} is managed by ${owners.get(repo)} and ${stack}`).to.equal(undefined);
        owners.set(repo, stack);
      }
    }
    expect(owners.get("DiamondLightSource/smartem-decisions")).to.equal("production");
  });

  it("a stack that does not manage GitHub registers no GitHub resource and needs no reviewers", async () => {
    const ev = await evaluateStack("staging");
    expect(ev.resources.filter((r) => isGithub(r.type))).to.deep.equal([]);
    expect(ev.outputs).to.not.have.property("trustedPublisher");
  });

  it("a stack that manages GitHub must name the PyPI reviewers", async () => {
    try {
      await evaluateStack("staging", { manageGithub: "true" });
      expect.fail("expected a ConfigError");
    } catch (error) {
      expect(String(error)).to.match(/smartem:pypiReviewers = \(unset\): required: .*allowed: \{users/);
    }
  });
});
