import { expect } from "chai";
import { SMARTEM_DECISIONS } from "../../components/release/package";
import { evaluateStack, resource, resourcesOfType, stackRefusal } from "../support/evaluate";
import { TYPES } from "../../components/shared/project";
import { SECRET_MARKER } from "../../components/config/keys";
import { TagRuleset, rulesetsForTag } from "../../components/release/tag-rules";

const PROVIDER = TYPES.githubProvider;
const packages = (...extra: object[]): string => JSON.stringify([SMARTEM_DECISIONS, ...extra]);
// A second package of the same repository; it ships no image (container images are unique).
const { container: _image, ...WITHOUT_IMAGE } = SMARTEM_DECISIONS;
const EPUPLAYER = {
  ...WITHOUT_IMAGE,
  name: "epuplayer",
  tagPrefix: "epuplayer-v",
  workflowFile: "release-epuplayer.yml",
  pypiEnvironment: "pypi-epuplayer",
};

describe("release gate on the dev stack", () => {
  it("protects the package's tags, the legacy tags, and creates the pypi environment with its tag policy", async () => {
    const ev = await evaluateStack("dev");
    const names = resourcesOfType(ev, TYPES.ruleset)
      .map((r) => r.inputs.name)
      .sort();
    expect(names).to.deep.equal([
      "legacy-release-tags-immutable",
      "smartem-decisions-release-tags-immutable",
      "smartem-decisions-stable-tag-creation",
    ]);
    // What GitHub enforces is what the registered resources say: match tags against their inputs.
    const registered = resourcesOfType(ev, TYPES.ruleset).map((r) => r.inputs as unknown as TagRuleset);
    const enforced = (tag: string): Record<string, unknown> =>
      Object.fromEntries(
        rulesetsForTag(registered, tag).map((r) => [
          r.name,
          { target: r.target, enforcement: r.enforcement, rules: r.rules, bypass: r.bypassActors.map((a) => a.actorId) },
        ]),
      );
    const immutable = {
      target: "tag",
      enforcement: "active",
      rules: { deletion: true, update: true, nonFastForward: true },
      bypass: [],
    };
    const creation = { target: "tag", enforcement: "active", rules: { creation: true }, bypass: [2, 5] };
    for (const stable of ["smartem-decisions-v1.0.0", "smartem-decisions-v1.0.0/fix"]) {
      expect(enforced(stable), stable).to.deep.equal({
        "smartem-decisions-release-tags-immutable": immutable,
        "smartem-decisions-stable-tag-creation": creation,
      });
    }
    expect(enforced("smartem-decisions-v1.0.1rc1"), "a release candidate the workflow creates").to.deep.equal({
      "smartem-decisions-release-tags-immutable": immutable,
    });
    expect(enforced("v0.0.1"), "a legacy tag").to.deep.equal({ "legacy-release-tags-immutable": immutable });
    const env = resource(ev, TYPES.environment, "smartem-decisions-pypi");
    expect(env.inputs).to.deep.include({ environment: "pypi", canAdminsBypass: false, preventSelfReview: true });
    const policy = resource(ev, TYPES.deploymentPolicy, "smartem-decisions-pypi-tags");
    expect(policy.inputs).to.deep.equal({
      repository: "smartem-decisions",
      environment: "pypi",
      tagPattern: "smartem-decisions-v*",
    });
    expect(policy.dependsOn).to.include(env.urn);
  });

  it("every GitHub resource uses the one explicit provider, owned by smartem:githubOwner", async () => {
    const ev = await evaluateStack("dev", { githubOwner: "someone-else" });
    const [provider, ...others] = resourcesOfType(ev, PROVIDER);
    expect(others).to.deep.equal([]);
    expect(provider!.inputs.owner).to.equal("someone-else");
    const githubResources = ev.resources.filter((r) => r.custom && r.type.startsWith("github:"));
    expect(githubResources.length).to.be.greaterThan(3);
    for (const r of githubResources) expect(r.provider, r.name).to.equal(`${provider!.urn}::${provider!.name}-id`);
    expect((ev.outputs.trustedPublisher as Record<string, { owner: string }>)["smartem-decisions"]!.owner).to.equal(
      "someone-else",
    );
  });

  it("takes the token from GITHUB_TOKEN as a secret, never in clear", async () => {
    const saved = process.env.GITHUB_TOKEN;
    process.env.GITHUB_TOKEN = "ghp_must_not_leak";
    try {
      const ev = await evaluateStack("dev");
      expect(JSON.stringify(ev)).to.not.include("ghp_must_not_leak");
      expect(resourcesOfType(ev, PROVIDER)[0]!.inputs.token).to.equal(SECRET_MARKER);
    } finally {
      if (saved === undefined) delete process.env.GITHUB_TOKEN;
      else process.env.GITHUB_TOKEN = saved;
    }
  });

  it("outputs the trusted-publisher tuple of each package", async () => {
    // production owns DiamondLightSource's repository (dev with that owner would be refused as a second owner).
    const ev = await evaluateStack("production", { packages: packages(EPUPLAYER) });
    expect(ev.outputs.trustedPublisher).to.deep.equal({
      "smartem-decisions": {
        pypiProject: "smartem-decisions",
        owner: "DiamondLightSource",
        repository: "smartem-decisions",
        workflow: "release-smartem-decisions.yml",
        environment: "pypi",
      },
      epuplayer: {
        pypiProject: "epuplayer",
        owner: "DiamondLightSource",
        repository: "smartem-decisions",
        workflow: "release-epuplayer.yml",
        environment: "pypi-epuplayer",
      },
    });
    const pypi = resourcesOfType(ev, TYPES.environment).filter((r) => r.inputs.repository === "smartem-decisions");
    // Beside the two PyPI environments, production's bump trigger (it names smartem:deliveryRepository).
    expect(pypi.map((r) => r.inputs.environment).sort()).to.deep.equal(["bump-trigger", "pypi", "pypi-epuplayer"]);
  });

  it("applies configured creators, reviewers and wait timer", async () => {
    const ev = await evaluateStack("dev", {
      stableTagCreators: JSON.stringify([
        { actorType: "Team", actorId: 99 },
        { actorType: "Integration", actorId: 1234, bypassMode: "exempt" },
      ]),
      pypiReviewers: JSON.stringify({ users: [1, 2], teams: [3] }),
      pypiWaitTimer: "30",
    });
    const creation = resourcesOfType(ev, TYPES.ruleset).find((r) => r.inputs.name === "smartem-decisions-stable-tag-creation")!;
    expect(creation.inputs.bypassActors).to.deep.equal([
      { actorType: "Team", actorId: 99, bypassMode: "always" },
      { actorType: "Integration", actorId: 1234, bypassMode: "exempt" },
    ]);
    const env = resource(ev, TYPES.environment, "smartem-decisions-pypi");
    expect(env.inputs.reviewers).to.deep.equal([{ users: [1, 2], teams: [3] }]);
    expect(env.inputs.waitTimer).to.equal(30);
  });

  it("accepts a private repository on GitHub Enterprise", async () => {
    const ev = await evaluateStack("dev", { githubPlan: "enterprise", repositoryVisibility: '{"smartem-decisions":"private"}' });
    expect(resourcesOfType(ev, TYPES.environment)).to.have.length(1);
  });

  describe("refuses bad input, naming key, value and what is allowed", () => {
    const cases: Array<[what: string, overrides: Record<string, string | undefined>, message: RegExp]> = [
      ["no reviewers key", { pypiReviewers: undefined }, /smartem:pypiReviewers = \(unset\): required: .*allowed: \{users/],
      [
        "an empty reviewer list",
        { pypiReviewers: '{"users":[],"teams":[]}' },
        /smartem:pypiReviewers = \{"users":\[\],"teams":\[\]\}: no reviewer.*allowed: .*1 to 6 ids/,
      ],
      [
        "seven reviewers",
        { pypiReviewers: '{"users":[1,2,3,4],"teams":[5,6,7]}' },
        /smartem:pypiReviewers = .*7 reviewers; GitHub allows at most 6/,
      ],
      [
        "a negative reviewer id",
        { pypiReviewers: '{"users":[-1]}' },
        /smartem:pypiReviewers\.users\.0 = -1: ids are positive integers/,
      ],
      [
        "a reviewer login instead of an id",
        { pypiReviewers: '{"users":["octocat"]}' },
        /smartem:pypiReviewers\.users\.0 = "octocat"/,
      ],
      ["an unknown reviewer field", { pypiReviewers: '{"users":[1],"groups":[2]}' }, /smartem:pypiReviewers = .*groups/],
      ["a duplicate reviewer", { pypiReviewers: '{"users":[1,1]}' }, /smartem:pypiReviewers\.users\.1 = 1: 1 is listed twice/],
      [
        "an unknown actor type",
        { stableTagCreators: '[{"actorType":"User","actorId":1}]' },
        /smartem:stableTagCreators\.0\.actorType = "User": unknown actor type; allowed: RepositoryRole, Team, Integration/,
      ],
      [
        "the write role",
        { stableTagCreators: '[{"actorType":"RepositoryRole","actorId":4}]' },
        /smartem:stableTagCreators\.0\.actorId = 4: the write role \(4\) would let every writer/,
      ],
      [
        "an unknown role id",
        { stableTagCreators: '[{"actorType":"RepositoryRole","actorId":3}]' },
        /smartem:stableTagCreators\.0\.actorId = 3: not a repository role id.*allowed: .*2 \(maintain\) or 5 \(admin\)/,
      ],
      [
        "a non-integer id",
        { stableTagCreators: '[{"actorType":"Team","actorId":1.5}]' },
        /smartem:stableTagCreators\.0\.actorId = 1\.5: not an integer id/,
      ],
      [
        "GitHub Actions as creator",
        { stableTagCreators: '[{"actorType":"Integration","actorId":15368}]' },
        /actorId = 15368: 15368 is GitHub Actions/,
      ],
      [
        "bypass through pull requests",
        { stableTagCreators: '[{"actorType":"Team","actorId":9,"bypassMode":"pull_request"}]' },
        /bypassMode = "pull_request": a tag is never created through a pull request/,
      ],
      ["no creator", { stableTagCreators: "[]" }, /smartem:stableTagCreators = \[\]: nobody could create a stable release tag/],
      [
        "a duplicate creator",
        { stableTagCreators: '[{"actorType":"Team","actorId":9},{"actorType":"Team","actorId":9}]' },
        /smartem:stableTagCreators\.1 = .*Team:9 is listed twice/,
      ],
      [
        "an empty legacy pattern list",
        { legacyReleaseTags: '{"smartem-decisions":[]}' },
        /smartem:legacyReleaseTags\.smartem-decisions = \[\]: an empty list protects nothing/,
      ],
      [
        "a legacy pattern with braces",
        { legacyReleaseTags: '{"smartem-decisions":["{v,w}*"]}' },
        /smartem:legacyReleaseTags\.smartem-decisions\.0 = "\{v,w\}\*": .*braces.*allowed: a map/,
      ],
      [
        "a legacy pattern with refs/tags/",
        { legacyReleaseTags: '{"smartem-decisions":["refs/tags/v*"]}' },
        /smartem:legacyReleaseTags\.smartem-decisions\.0 = "refs\/tags\/v\*": write the tag pattern without refs\/tags\//,
      ],
      [
        "legacy tags of an unmanaged repository",
        { legacyReleaseTags: '{"elsewhere":["v*"]}' },
        /smartem:legacyReleaseTags\.elsewhere = \["v\*"\]: elsewhere is not a repository of smartem:packages; allowed: one of smartem-decisions/,
      ],
      [
        "a glob in the tag prefix",
        { packages: JSON.stringify([{ ...SMARTEM_DECISIONS, tagPrefix: "smartem-*-v" }]) },
        /smartem:packages\.0\.tagPrefix = "smartem-\*-v": not a release-tag prefix; allowed:/,
      ],
      [
        "overlapping tag prefixes",
        { packages: packages({ ...EPUPLAYER, name: "smartem-decisions-v2", tagPrefix: "smartem-decisions-v2-v" }) },
        /smartem:packages\.1\.tagPrefix = "smartem-decisions-v2-v": tags smartem-decisions-v2-v\* would also match smartem-decisions/,
      ],
      [
        "two packages in one environment",
        { packages: packages({ ...EPUPLAYER, pypiEnvironment: "pypi" }) },
        /smartem:packages\.1\.pypiEnvironment = "pypi": smartem-decisions already publishes from environment pypi/,
      ],
      [
        "reviewers on a private repository on Free",
        { repositoryVisibility: '{"smartem-decisions":"private"}' },
        /smartem:repositoryVisibility\.smartem-decisions = "private": required reviewers .* need GitHub Enterprise \(smartem:githubPlan is free; .*allowed: make smartem-decisions public/,
      ],
      [
        "reviewers on a private repository on Team",
        { githubPlan: "team", repositoryVisibility: '{"smartem-decisions":"private"}' },
        /= "private": required reviewers .*smartem:githubPlan is team\)/,
      ],
      [
        "an internal repository without Enterprise",
        { githubPlan: "pro", repositoryVisibility: '{"smartem-decisions":"internal"}' },
        /= "internal": internal repositories exist only on GitHub Enterprise/,
      ],
      ["an unknown plan", { githubPlan: "gold" }, /smartem:githubPlan = "gold": .*allowed: free, pro, team, enterprise/],
      [
        "an unknown visibility",
        { repositoryVisibility: '{"smartem-decisions":"secret"}' },
        /smartem:repositoryVisibility\.smartem-decisions = "secret"/,
      ],
      [
        "a wait timer over 30 days",
        { pypiWaitTimer: "50000" },
        /smartem:pypiWaitTimer = 50000: .*allowed: an integer from 0 to 43200/,
      ],
    ];
    for (const [what, overrides, message] of cases) {
      it(what, async () => expect(await stackRefusal("dev", overrides)).to.match(message));
    }
  });
});
