import { expect } from "chai";
import {
  GuardProblem,
  VersionGuardError,
  VersionGuardFacts,
  assertVersionGuards,
  checkVersionGuards,
} from "../../components/backend/guards";
import { KEY } from "../../components/program-config";

const STAGING = "organization/smartem/staging";

const base: VersionGuardFacts = { stack: "dev", version: "0.1.1", allowPrerelease: false, allowDowngrade: false };

/** key, value and a pattern the message must match, per refusing guard. */
type Expected = Array<[string, string, RegExp]>;

describe("backend upgrade guards", () => {
  const table: Array<[string, Partial<VersionGuardFacts>, Expected]> = [
    // (Whether the version is deployable at all is the config parse's rule: smartem:backendVersion.)
    ["a final release on a first deploy", {}, []],
    // Pre-releases.
    [
      "a release candidate where pre-releases are not allowed",
      { stack: "production", version: "0.1.1rc52" },
      [[KEY.backendVersion, "0.1.1rc52", /pre-release.*production.*smartem:allowPrerelease/]],
    ],
    ["a release candidate where pre-releases are allowed", { version: "0.1.1rc52", allowPrerelease: true }, []],
    ["an alpha where pre-releases are allowed", { version: "1.0.0a1", allowPrerelease: true }, []],
    // No downgrade.
    ["the same version again", { deployedVersion: "0.1.1" }, []],
    ["an upgrade", { version: "0.2.0", deployedVersion: "0.1.1" }, []],
    ["from a release candidate to its final", { version: "0.1.1", deployedVersion: "0.1.1rc52" }, []],
    [
      "rc numbers compare as numbers, not text",
      { version: "0.1.1rc9", allowPrerelease: true, deployedVersion: "0.1.1rc52" },
      [[KEY.backendVersion, "0.1.1rc9", /lower than 0\.1\.1rc52.*smartem:allowDowngrade: true/]],
    ],
    [
      "from a final back to its release candidate",
      { version: "0.1.1rc52", allowPrerelease: true, deployedVersion: "0.1.1" },
      [[KEY.backendVersion, "0.1.1rc52", /lower than 0\.1\.1/]],
    ],
    [
      "a downgrade",
      { version: "0.1.0", deployedVersion: "0.1.1" },
      [[KEY.backendVersion, "0.1.0", /lower than 0\.1\.1, which stack dev runs now.*smartem:allowDowngrade: true/]],
    ],
    ["a downgrade with allowDowngrade (a rollback)", { version: "0.1.0", deployedVersion: "0.1.1", allowDowngrade: true }, []],
    [
      "an unreadable deployed version",
      { deployedVersion: "latest" },
      [[KEY.allowDowngrade, "false", /"latest".*not a PEP 440 version.*smartem:allowDowngrade: true/]],
    ],
    // Promotion.
    [
      "the version staging runs",
      { stack: "production", promotion: { fromStack: STAGING, version: "0.1.1", override: false } },
      [],
    ],
    [
      "a version staging does not run",
      { stack: "production", version: "0.2.0", promotion: { fromStack: STAGING, version: "0.1.1", override: false } },
      [[KEY.backendVersion, "0.2.0", /organization\/smartem\/staging runs, which is 0\.1\.1.*smartem:skipPromotionCheck: true/]],
    ],
    [
      "re-applying the version deployed now while staging tests the next candidate",
      {
        stack: "production",
        version: "0.1.0",
        deployedVersion: "0.1.0",
        promotion: { fromStack: STAGING, version: "0.1.1rc52", override: false },
      },
      [],
    ],
    [
      "an unknown deployed version: promotion is checked",
      { stack: "production", version: "0.1.0", promotion: { fromStack: STAGING, version: "0.1.1rc52", override: false } },
      [[KEY.backendVersion, "0.1.0", /which is 0\.1\.1rc52/]],
    ],
    [
      "a source stack with no backendVersion output",
      { stack: "production", promotion: { fromStack: STAGING, override: false } },
      [[KEY.promoteFrom, STAGING, /reports no backendVersion.*deploy 0\.1\.1 to organization\/smartem\/staging first/]],
    ],
    [
      "a version staging does not run, with the override",
      { stack: "production", version: "0.2.0", promotion: { fromStack: STAGING, version: "0.1.1", override: true } },
      [],
    ],
    // Several guards at once: every one is reported.
    [
      "a pre-release, a downgrade and not promoted",
      {
        stack: "production",
        version: "0.1.0rc1",
        deployedVersion: "0.1.0",
        promotion: { fromStack: STAGING, version: "0.1.0", override: false },
      },
      [
        [KEY.backendVersion, "0.1.0rc1", /pre-release/],
        [KEY.backendVersion, "0.1.0rc1", /lower than 0\.1\.0/],
        [KEY.backendVersion, "0.1.0rc1", /staging runs, which is 0\.1\.0/],
      ],
    ],
  ];

  for (const [title, change, expected] of table) {
    it(`${title}: ${expected.length === 0 ? "allowed" : expected.map(([k]) => k).join(", ")}`, () => {
      const problems = checkVersionGuards({ ...base, ...change });
      expect(problems.map((p: GuardProblem) => [p.key, p.value])).to.deep.equal(expected.map(([k, v]) => [k, v]));
      problems.forEach((p, i) => expect(p.message).to.match(expected[i]![2]));
    });
  }

  it("assertVersionGuards throws one error naming every problem", () => {
    const facts = { ...base, stack: "production", version: "0.1.0rc1", deployedVersion: "0.1.0" };
    expect(() => assertVersionGuards(facts))
      .to.throw(VersionGuardError)
      .with.property("message")
      .that.matches(/smartem:backendVersion = 0\.1\.0rc1: .*pre-release[\s\S]*smartem:backendVersion = 0\.1\.0rc1: .*lower than/);
    expect(() => assertVersionGuards(base)).not.to.throw();
  });
});
