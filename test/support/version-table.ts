/**
 * The version decision's case table (inputs, expected kind, version and `latest`), shared by
 * npm test (TypeScript function and workflow script side by side) and npm run test:python (the
 * script with the exact pinned Python tools).
 */
import { expect } from "chai";
import { ReleaseDecision, ReleaseInput, RepositoryTag } from "../../components/release/version-decision";
import { DriverCase, DriverResult } from "./version-driver";

export const RULES = { tagPrefix: "smartem-decisions-v", branch: "main" };
const HEAD = "1111111111111111111111111111111111111111";
const OTHER = "2222222222222222222222222222222222222222";
const tagged = (name: string, merged = true, commit = OTHER): RepositoryTag => ({ name, commit, merged });

/** The tags of smartem-decisions today: legacy, test, one final, many release candidates. */
export const HISTORY: RepositoryTag[] = [
  ...["v0.0.1", "v0.0.2", "v0.0.3", "v0.0.4", "test-v0.0.1", "test-v0.0.2"].map((t) => tagged(t)),
  tagged("smartem-decisions-v0.1.0"),
  tagged("smartem-decisions-v0.1rc2"),
  tagged("smartem-decisions-v0.1.1rc6"),
  tagged("smartem-decisions-v0.1.1rc52"),
];
export const tagPush = (t: string, tags: RepositoryTag[] = [...HISTORY, tagged(t, true, HEAD)]): ReleaseInput => ({
  eventName: "push",
  ref: `refs/tags/${t}`,
  runNumber: 60,
  head: HEAD,
  tags,
});
export const mainPush = (runNumber: number, tags: RepositoryTag[] = HISTORY): ReleaseInput => ({
  eventName: "push",
  ref: "refs/heads/main",
  runNumber,
  head: HEAD,
  tags,
});

/** Input -> the kind it leads to, the version when it releases or checks, and `latest`. */
export const TABLE: Array<[string, ReleaseInput, ReleaseDecision["kind"], string?, boolean?]> = [
  ["stable tag", tagPush("smartem-decisions-v0.1.1"), "stable", "0.1.1", true],
  ["stable tag 1.2.10", tagPush("smartem-decisions-v1.2.10"), "stable", "1.2.10", true],
  ["stable backport below a higher final: not latest", tagPush("smartem-decisions-v0.0.9"), "stable", "0.0.9", false],
  ["rc-looking tag", tagPush("smartem-decisions-v0.1.1rc52"), "rejected"],
  ["historic two-part rc tag", tagPush("smartem-decisions-v0.1rc2"), "rejected"],
  ["dev tag", tagPush("smartem-decisions-v0.2.0.dev1"), "rejected"],
  ["post tag", tagPush("smartem-decisions-v0.1.0.post1"), "rejected"],
  ["local tag", tagPush("smartem-decisions-v0.1.0+build.5"), "rejected"],
  ["non-canonical tag (double v)", tagPush("smartem-decisions-vv0.1.0"), "rejected"],
  ["non-canonical tag (leading zero)", tagPush("smartem-decisions-v0.01.0"), "rejected"],
  ["two-part final tag", tagPush("smartem-decisions-v0.2"), "rejected"],
  ["malformed tag", tagPush("smartem-decisions-v0.1.0-final"), "rejected"],
  ["empty version", tagPush("smartem-decisions-v"), "rejected"],
  ["legacy tag", tagPush("v0.0.1"), "rejected"],
  ["test tag", tagPush("test-v0.0.1"), "rejected"],
  ["another package's tag", tagPush("epuplayer-v1.0.0"), "rejected"],
  ["push to main after 0.1.0 (rc tags do not count)", mainPush(65), "rc", "0.1.1rc65", false],
  [
    "push to main on the commit of a final tag",
    mainPush(54, [...HISTORY, tagged("smartem-decisions-v0.1.1", true, HEAD)]),
    "rc",
    "0.1.2rc54",
    false,
  ],
  [
    "push to main: a final tag not reachable from the commit does not count",
    mainPush(55, [...HISTORY, tagged("smartem-decisions-v0.3.0", false)]),
    "rc",
    "0.1.1rc55",
    false,
  ],
  [
    "push to main: an rc-looking tag someone created does not steer the version",
    mainPush(61, [...HISTORY, tagged("smartem-decisions-v9.0.0rc1")]),
    "rc",
    "0.1.1rc61",
    false,
  ],
  [
    "push to main: legacy and other packages' tags do not steer the version",
    mainPush(62, [...HISTORY, tagged("v9.9.9"), tagged("epuplayer-v5.0.0")]),
    "rc",
    "0.1.1rc62",
    false,
  ],
  ["push to main with no final tag yet", mainPush(3, [tagged("v0.0.1")]), "rc", "0.0.1rc3", false],
  [
    "push to main: the rc tag already exists on another commit",
    mainPush(63, [...HISTORY, tagged("smartem-decisions-v0.1.1rc63", true, OTHER)]),
    "rejected",
  ],
  [
    "push to main re-run: the rc tag is already on this commit",
    mainPush(64, [...HISTORY, tagged("smartem-decisions-v0.1.1rc64", true, HEAD)]),
    "rc",
    "0.1.1rc64",
    false,
  ],
  [
    "push to another branch",
    { eventName: "push", ref: "refs/heads/feature", runNumber: 5, head: HEAD, tags: HISTORY },
    "rejected",
  ],
  [
    "pull request",
    {
      eventName: "pull_request",
      ref: "refs/pull/7/merge",
      runNumber: 55,
      head: HEAD,
      tags: HISTORY,
      scmVersion: "0.1.1.dev5+g1a2b3c4",
    },
    "check",
    "0.1.1.dev5+g1a2b3c4",
    false,
  ],
  ["schedule", { eventName: "schedule", ref: "refs/heads/main", runNumber: 56, head: HEAD, tags: HISTORY }, "rejected"],
];

/** The driver case of a table input: the script's environment and fake git/setuptools_scm answers. */
export function versionCase(input: ReleaseInput): DriverCase {
  return {
    env: {
      EVENT_NAME: input.eventName,
      GIT_REF: input.ref,
      RUN_NUMBER: String(input.runNumber),
      TAG_PREFIX: RULES.tagPrefix,
      RELEASE_BRANCH: RULES.branch,
    },
    fake: { head: input.head, tags: input.tags ?? [], scm: input.scmVersion ?? "" },
  };
}

/** The script's exit status, error line and $GITHUB_OUTPUT match the decision of decideRelease. */
export function expectScriptDecides(result: DriverResult, expected: ReleaseDecision): void {
  if (expected.kind === "rejected") {
    expect(result.status, result.stdout).to.equal(1);
    expect(result.stdout).to.match(/^::error title=No release::/);
    expect(result.outputs).to.deep.equal({});
    return;
  }
  expect(result.status, result.stdout).to.equal(0);
  expect(result.outputs).to.deep.equal({
    kind: expected.kind,
    version: expected.version,
    tag: expected.tag,
    prerelease: String(expected.prerelease),
    latest: String(expected.latest),
  });
}
