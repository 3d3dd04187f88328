import { expect } from "chai";
import { matchesRefPattern } from "../../components/github/ref-pattern";
import { PythonPackage, SMARTEM_DECISIONS } from "../../components/release/package";
import { pypiEnvironmentSpec } from "../../components/release/pypi-environment";

const SMARTEM: PythonPackage = { ...SMARTEM_DECISIONS, paths: [...SMARTEM_DECISIONS.paths] };
const ONE_TEAM = { users: [], teams: [7] };

describe("PyPI environment", () => {
  it("admits only custom policies, with required reviewers admins cannot bypass", () => {
    const spec = pypiEnvironmentSpec(SMARTEM, { users: [11, 12], teams: [7] }, 5);
    expect(spec).to.deep.include({
      repository: "smartem-decisions",
      environment: "pypi",
      preventSelfReview: true,
      canAdminsBypass: false,
      waitTimer: 5,
      deploymentBranchPolicy: { protectedBranches: false, customBranchPolicies: true },
    });
    expect(spec.reviewers).to.deep.equal({ users: [11, 12], teams: [7] });
  });

  it("its tag policy admits release tags and nothing else", () => {
    const { tagPatterns } = pypiEnvironmentSpec(SMARTEM, ONE_TEAM);
    // Environment tag patterns are matched against the tag name with GitHub's fnmatch; a tag
    // any one of the environment's policies admits may deploy.
    const admitted = (tag: string): boolean => tagPatterns.some((pattern) => matchesRefPattern(pattern, tag));
    expect(tagPatterns).to.have.length.greaterThan(0);
    for (const tag of ["smartem-decisions-v0.1.0", "smartem-decisions-v0.1.1rc52"]) {
      expect(admitted(tag), tag).to.equal(true);
    }
    for (const tag of ["v0.0.1", "test-v0.0.1", "epuplayer-v1.0.0", "smartem-decisions-v1.0.0/x", "main"]) {
      expect(admitted(tag), tag).to.equal(false);
    }
  });

  it("uses the package's environment name", () => {
    expect(pypiEnvironmentSpec({ ...SMARTEM, pypiEnvironment: "pypi-release" }, ONE_TEAM).environment).to.equal("pypi-release");
  });
});
