import { expect } from "chai";
import { ConfigError } from "../../components/config/keys";
import { SMARTEM_DECISIONS } from "../../components/release/package";
import { pypiEnvironmentSpec } from "../../components/release/pypi-environment";
import { undeclaredPolicies } from "../../components/release/pypi-environment-live";
import { resourcesOfType } from "../support/evaluate";
import { INVOKE, environmentsAnswer, evaluateLive, invokeFailure, liveRejection, policiesAnswer } from "../support/live-run";
import { TYPES } from "../../components/shared/project";

const SPEC = pypiEnvironmentSpec(SMARTEM_DECISIONS, { users: [], teams: [1] });

/** The live answers for a `pypi` environment that exists with these policies. */
function liveEnvironment(policies: ReadonlyArray<{ type: string; pattern: string }> | Error) {
  const calls: string[] = [];
  return {
    calls,
    invokes: {
      [INVOKE.environments]: (inputs: Record<string, unknown>) => {
        calls.push(`environments ${String(inputs.repository)}`);
        return environmentsAnswer(String(inputs.repository), ["github-pages", "pypi"]);
      },
      [INVOKE.policies]: (inputs: Record<string, unknown>) => {
        calls.push(`policies ${String(inputs.repository)}/${String(inputs.environment)}`);
        if (policies instanceof Error) throw policies;
        return policiesAnswer(String(inputs.repository), String(inputs.environment), policies);
      },
    },
  };
}

describe("adopting an existing pypi environment (GitHub keeps its deployment policies)", () => {
  it("only the tag policies the stack declares are its own", () => {
    const live = [
      { type: "tag", pattern: "smartem-decisions-v*" },
      { type: "branch", pattern: "smartem-decisions-v*" },
      { type: "branch", pattern: "main" },
      { type: "tag", pattern: "v*" },
    ];
    expect(undeclaredPolicies(SPEC, live)).to.deep.equal(live.slice(1));
  });

  it("a real run refuses an environment with policies this stack does not manage, naming each", async () => {
    const live = liveEnvironment([
      { type: "tag", pattern: "smartem-decisions-v*" },
      { type: "branch", pattern: "main" },
      { type: "tag", pattern: "v*" },
    ]);
    const error = await liveRejection("dev", { invokes: live.invokes });
    expect(error).to.be.instanceOf(ConfigError);
    expect(error.message).to.contain(
      'environment smartem-sandbox/smartem-decisions:pypi = branch "main", tag "v*": deployment policies this stack does not manage',
    );
    expect(error.message).to.contain(
      "gh api -X DELETE repos/smartem-sandbox/smartem-decisions/environments/pypi/deployment-branch-policies/<id>",
    );
    expect(live.calls).to.deep.equal(["environments smartem-decisions", "policies smartem-decisions/pypi"]);
  });

  it("an environment with only the stack's own tag policy (the next run after the first) goes ahead", async () => {
    const live = liveEnvironment([{ type: "tag", pattern: "smartem-decisions-v*" }]);
    const ev = await evaluateLive("dev", { invokes: live.invokes });
    expect(resourcesOfType(ev, TYPES.environment)).to.have.length(1);
  });

  it("a repository without the environment yet: its policies are not even read", async () => {
    const calls: string[] = [];
    const ev = await evaluateLive("dev", {
      invokes: {
        [INVOKE.environments]: (inputs) => {
          calls.push("environments");
          return environmentsAnswer(String(inputs.repository), ["github-pages"]);
        },
      },
    });
    expect(calls).to.deep.equal(["environments"]);
    expect(resourcesOfType(ev, TYPES.deploymentPolicy)).to.have.length(1);
  });

  it("an environment without custom policies (GitHub answers 404 for its policies) has none to keep", async () => {
    const notFound = invokeFailure(
      INVOKE.policies,
      "GET https://api.github.com/repos/smartem-sandbox/smartem-decisions/environments/pypi/deployment-branch-policies: 404 Not Found []",
    );
    const ev = await evaluateLive("dev", { invokes: liveEnvironment(notFound).invokes });
    expect(resourcesOfType(ev, TYPES.environment)).to.have.length(1);
  });

  it("any other failure to read the policies fails the run", async () => {
    const forbidden = invokeFailure(
      INVOKE.policies,
      "GET https://api.github.com/repos/smartem-sandbox/smartem-decisions/environments/pypi/deployment-branch-policies: 403 Resource not accessible by personal access token []",
    );
    const error = await liveRejection("dev", { invokes: liveEnvironment(forbidden).invokes });
    expect(error.message).to.contain("403");
  });
});
