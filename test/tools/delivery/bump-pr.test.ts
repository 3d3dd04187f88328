import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { BumpFacts, decideBump, promotionRefusals, releasesFromPypi } from "../../../tools/delivery/bump-decision";
import { loadStackConfig } from "../../../components/program-config";
import { RawConfig } from "../../../components/config/keys";
import { formatProblem } from "../../../components/config/keys";
import { BUMP_LABEL, OpenPr, Proposal, decidePr, marker, prBody, releaseNotesUrl, upkeep } from "../../../tools/delivery/bump-pr";
import { BUMP_PROPOSE_SCRIPT } from "../../../tools/delivery/delivery-workflows";
import { fakeGithubRest } from "../../support/fake-github-rest";
import { GithubRunner } from "../../support/github-step";
import { PROJECT_ROOT } from "../../../tools/engine/stack-file";

const rel = (...versions: string[]) => versions.map((version) => ({ version, yanked: false }));
const staging = (over: Partial<BumpFacts>): BumpFacts => ({
  stack: "staging",
  releases: rel("0.1.0", "0.2.0", "0.3.0rc1"),
  running: "0.1.0",
  pinned: "0.1.0",
  allowPrerelease: true,
  ...over,
});
const production = (over: Partial<BumpFacts>): BumpFacts => ({
  stack: "production",
  releases: rel("0.1.0", "0.2.0", "0.3.0rc1"),
  running: "0.1.0",
  pinned: "0.1.0",
  allowPrerelease: false,
  promotion: { from: "o/smartem/staging", running: "0.2.0" },
  ...over,
});

describe("which version bump.yml proposes per stack (tools/delivery/bump-decision.ts, pure)", () => {
  const table: Array<[string, BumpFacts, string]> = [
    ["staging takes the newest release, pre-releases included where allowed", staging({}), "bump 0.3.0rc1"],
    ["without allowPrerelease only finals", staging({ allowPrerelease: false }), "bump 0.2.0"],
    [
      "yanked releases are skipped",
      staging({ releases: [...rel("0.1.0", "0.2.0"), { version: "0.3.0rc1", yanked: true }] }),
      "bump 0.2.0",
    ],
    [
      "dev, post and non-canonical versions are never proposed",
      staging({ releases: rel("0.1.0", "0.2.0.dev1", "0.1.0.post1", "v0.3.0") }),
      "none",
    ],
    ["never a downgrade: the stack runs a newer version than any release", staging({ running: "0.4.0" }), "none"],
    [
      "the version the stack RUNS decides, not the pin: a merged pin that failed to deploy is not re-proposed",
      staging({ running: "0.1.0", pinned: "0.3.0rc1" }),
      "none",
    ],
    ["a first deploy (no outputs) takes the newest", staging({ running: undefined }), "bump 0.3.0rc1"],
    ["nothing newer than what runs", staging({ running: "0.3.0rc1", pinned: "0.3.0rc1" }), "none"],
    ["production takes what staging runs", production({}), "bump 0.2.0"],
    [
      "production never a pre-release, even when staging runs one",
      production({ promotion: { from: "s", running: "0.3.0rc1" } }),
      "none",
    ],
    [
      "production waits when staging runs what production runs",
      production({ promotion: { from: "s", running: "0.1.0" } }),
      "none",
    ],
    ["production waits when staging runs nothing", production({ promotion: { from: "s", running: undefined } }), "none"],
    [
      "production: never a downgrade when staging rolled back below it",
      production({ running: "0.2.0", pinned: "0.2.0", promotion: { from: "s", running: "0.1.0" } }),
      "none",
    ],
  ];
  for (const [what, facts, expected] of table) {
    it(what, () => {
      const p = decideBump(facts);
      expect(p.action === "bump" ? `bump ${p.version}` : "none", p.why).to.equal(expected);
    });
  }

  it("the reasons say why, for the job summary", () => {
    expect(decideBump(production({ promotion: { from: "o/smartem/staging", running: "0.1.0" } })).why).to.equal(
      "production runs 0.1.0 already",
    );
    expect(decideBump(staging({ running: "0.4.0" })).why).to.include("never a downgrade");
    expect(decideBump(production({ releases: rel("0.1.0", "0.2.0", "0.3.0") })).why).to.include("has not reached it yet");
  });

  it("reads PyPI's JSON API: a release whose files are all yanked is yanked; one without files is no release", () => {
    expect(
      releasesFromPypi({
        releases: { "0.1.0": [{ yanked: false }], "0.2.0": [{ yanked: true }, { yanked: true }], "0.3.0": [] },
      }),
    ).to.deep.equal([
      { version: "0.1.0", yanked: false },
      { version: "0.2.0", yanked: true },
    ]);
  });
});

describe("production's bump PR only when the promotion guard allows it now (promotionRefusals, on the bumped stack file)", () => {
  const DIGEST = `sha256:${"d".repeat(64)}`;
  const production = loadStackConfig({
    "smartem:backendVersion": "0.2.0",
    "smartem:namespace": "smartem-decisions-production",
    "smartem:clusterName": "production",
    "smartem:manageGithub": "false",
    "smartem:backingServices": "external",
    "smartem:databaseHost": "db.invalid",
    "smartem:rabbitmqHost": "mq.invalid",
    "smartem:databasePassword": "a-password-of-16-chars",
    "smartem:rabbitmqPassword": "a-password-of-16-chars",
    "smartem:promoteFrom": "organization/smartem/staging",
    "smartem:promotionSoakHours": "24",
    "smartem:backendImageDigests": JSON.stringify({ "0.2.0": DIGEST }),
  } as RawConfig);
  const evidence = (over: Record<string, unknown> = {}) => ({
    backendVersion: "0.2.0",
    promotionEvidence: {
      version: "0.2.0",
      digest: DIGEST,
      rolledOutAt: "2026-12-01T08:00:00Z",
      migration: "completed",
      rollout: "available",
      ...over,
    },
  });
  const refusals = (outputs: Record<string, unknown>, now: string) =>
    promotionRefusals("production", production, outputs, "0.1.0", new Date(now)).map(formatProblem);

  it("staging's record of the same version and digest, rolled out more than the soak time ago: allowed", () => {
    expect(refusals(evidence(), "2026-12-02T08:00:01Z")).to.deep.equal([]);
  });
  it("before the soak time: refused, saying how long is left", () => {
    const [problem] = refusals(evidence(), "2026-12-01T20:00:00Z");
    expect(problem).to.include("smartem:promotionSoakHours").and.include("left");
  });
  it("no record, another digest, or a staging that does not run the version: refused", () => {
    expect(refusals({ backendVersion: "0.2.0" }, "2026-12-03T00:00:00Z")).to.have.length(1);
    expect(refusals(evidence({ digest: `sha256:${"e".repeat(64)}` }), "2026-12-03T00:00:00Z").join()).to.include(
      "smartem:backendImageDigests",
    );
    expect(refusals({ ...evidence(), backendVersion: "0.1.0" }, "2026-12-03T00:00:00Z").join()).to.include(
      "staging runs, which is 0.1.0",
    );
  });
});

const BUMP: Proposal = {
  action: "bump",
  stack: "staging",
  version: "0.2.0",
  why: "0.2.0 is the newest release; staging runs 0.1.0",
};
const PATCH = "diff --git a/Pulumi.staging.yaml b/Pulumi.staging.yaml\n";
const pr = (number: number, version: string, patch: string, ref = "bump/staging"): OpenPr => ({
  number,
  head: { ref },
  body: `${marker("staging", version, patch)}\nbody`,
});

describe("what happens to a stack's bump PR (decidePr, pure)", () => {
  it("a proposal and no PR: open one on bump/<stack>", () => {
    expect(decidePr(BUMP, PATCH, [])).to.deep.equal({ action: "open", title: "Bump staging to 0.2.0" });
  });
  it("the same proposal and patch again: leave it; a newer version or another patch: update it in place", () => {
    expect(decidePr(BUMP, PATCH, [pr(5, "0.2.0", PATCH)]).action).to.equal("none");
    expect(decidePr({ ...BUMP, version: "0.3.0" }, PATCH, [pr(5, "0.2.0", PATCH)])).to.deep.equal({
      action: "update",
      number: 5,
      title: "Bump staging to 0.3.0",
    });
    expect(decidePr(BUMP, `${PATCH}+x\n`, [pr(5, "0.2.0", PATCH)]).action).to.equal("update");
  });
  it("nothing to propose (or an empty patch): close the open PR with the reason, or do nothing", () => {
    const none: Proposal = { action: "none", stack: "staging", why: "staging runs 0.2.0 already" };
    expect(decidePr(none, "", [pr(5, "0.2.0", PATCH)])).to.deep.equal({
      action: "close",
      number: 5,
      comment: "Nothing to propose for staging any more: staging runs 0.2.0 already.",
    });
    expect(decidePr(none, "", []).action).to.equal("none");
    expect(decidePr(BUMP, "", [pr(5, "0.2.0", PATCH)]).action).to.equal("close");
  });
  it("a PR on another branch, of another stack, or without the marker is not the stack's", () => {
    const other = [pr(6, "0.2.0", PATCH, "bump/production"), { number: 7, head: { ref: "bump/staging" }, body: "by hand" }];
    expect(decidePr(BUMP, PATCH, other).action).to.equal("open");
  });
  it("the body names the release notes, the verified digest and attestation identity, and carries the render diff", () => {
    const identity =
      "https://github.com/DiamondLightSource/smartem-decisions/.github/workflows/release-smartem-decisions.yml@refs/tags/smartem-decisions-v0.2.0";
    const log = `verified: ghcr.io/diamondlightsource/smartem-decisions@sha256:${"a".repeat(64)}, built and attested by ${identity}\n`;
    const body = prBody(BUMP as Extract<Proposal, { action: "bump" }>, log, "-a\n+b\n", "https://run");
    expect(body)
      .to.include("https://github.com/DiamondLightSource/smartem-decisions/releases/tag/smartem-decisions-v0.2.0")
      .and.include(`@sha256:${"a".repeat(64)}`)
      .and.include(identity)
      .and.include("```diff\n-a\n+b\n");
    expect(prBody(BUMP as Extract<Proposal, { action: "bump" }>, "", "", "r")).to.include("**Not verified**");
    expect(releaseNotesUrl("https://github.com/o/r/.github/workflows/w.yml@refs/heads/main")).to.equal(undefined);
  });

  it("upkeep pushes bump/<stack> with the patch, opens the PR labelled, then closes it when nothing is left", async () => {
    const temp = fs.mkdtempSync(path.join(os.tmpdir(), "bump-pr-"));
    const write = (name: string, content: string): string => {
      fs.writeFileSync(path.join(temp, name), content);
      return path.join(temp, name);
    };
    const pulls: Array<{
      number: number;
      state: string;
      head: { ref: string };
      body: string;
      labels: string[];
      comments: string[];
    }> = [];
    const pull = (number: string) => pulls.find((p) => p.number === Number(number))!;
    const { fetch: fakeFetch } = fakeGithubRest({
      "GET /repos/o/r/pulls": ({ query }) => {
        expect(query.get("head")).to.equal("o:bump/staging");
        return pulls.filter((p) => p.state === "open");
      },
      "POST /repos/o/r/pulls": ({ body }) => {
        pulls.push({ number: 1, state: "open", head: { ref: body.head }, body: body.body, labels: [], comments: [] });
        return { number: 1 };
      },
      "POST /repos/o/r/issues/:number/labels": ({ params, body }) => void pull(params.number!).labels.push(...body.labels),
      "POST /repos/o/r/issues/:number/comments": ({ params, body }) => void pull(params.number!).comments.push(body.body),
      "PATCH /repos/o/r/pulls/:number": ({ params, body }) => void Object.assign(pull(params.number!), body),
    });
    const gitCalls: string[][] = [];
    const git = (args: readonly string[]) => (gitCalls.push([...args]), "");
    const env = {
      STACK: "staging",
      PATCH: write("bump.patch", PATCH),
      BODY: write("body.md", "the body\n"),
      GITHUB_TOKEN: "t0ken",
      GITHUB_REPOSITORY: "o/r",
      GITHUB_API_URL: "https://api.invalid",
    };
    try {
      expect((await upkeep({ ...env, PROPOSAL: write("p.json", JSON.stringify(BUMP)) }, fakeFetch, git)).action).to.equal("open");
      expect(gitCalls.map((a) => a.find((x) => ["apply", "commit", "push"].includes(x)))).to.deep.equal([
        "apply",
        "commit",
        "push",
      ]);
      expect(gitCalls[2]).to.include("HEAD:refs/heads/bump/staging").and.include("--force");
      expect(gitCalls[2]!.join(" "), "the token goes in a header, never into the URL").to.not.include("t0ken@");
      expect(pulls[0]).to.deep.include({ labels: [BUMP_LABEL], head: { ref: "bump/staging" } });
      expect(pulls[0]!.body).to.match(/^<!-- smartem-bump stack=staging version=0.2.0 patch=[0-9a-f]{16} -->\nthe body\n/);
      expect((await upkeep({ ...env, PROPOSAL: write("p.json", JSON.stringify(BUMP)) }, fakeFetch, git)).action).to.equal("none");
      expect(gitCalls).to.have.length(3);
      const none = { action: "none", stack: "staging", why: "staging runs 0.2.0 already" };
      expect(
        (
          await upkeep(
            { ...env, PATCH: write("empty.patch", ""), PROPOSAL: write("p.json", JSON.stringify(none)) },
            fakeFetch,
            git,
          )
        ).action,
      ).to.equal("close");
      expect(pulls[0]).to.deep.include({ state: "closed" });
      expect(pulls[0]!.comments[0]).to.include("staging runs 0.2.0 already");
    } finally {
      fs.rmSync(temp, { recursive: true, force: true });
    }
  });
});

describe("the bump proposal step, run as GitHub runs it (bash --noprofile --norc -eo pipefail) with fake curl and pulumi", () => {
  let runner: GithubRunner;
  beforeEach(() => {
    runner = new GithubRunner("bump-step");
  });
  afterEach(() => runner.dispose());

  function run(stack: string, outputs: string, pypi: string, extra: Record<string, string> = {}) {
    const pypiFile = runner.write("pypi.json", pypi);
    const outputsFile = runner.write("outputs.json", outputs);
    runner.fake("curl", [`[ "\${@: -1}" = "https://pypi.org/pypi/smartem-decisions/json" ] || exit 22`, `cat "${pypiFile}"`]);
    runner.fake("pulumi", [
      `[ "$*" = "stack output --json --stack o/smartem/${stack}" ] || { echo "unexpected: $*" >&2; exit 99; }`,
      `cat "${outputsFile}"`,
    ]);
    runner.fake("npm", ['echo "npm must not run when there is nothing to propose: $*" >&2', "exit 98"]);
    const result = runner.run(BUMP_PROPOSE_SCRIPT, {
      cwd: PROJECT_ROOT,
      env: {
        STACK: `o/smartem/${stack}`,
        STACK_SHORT: stack,
        RELEASES_URL: "https://pypi.org/pypi/smartem-decisions/json",
        ...extra,
      },
    });
    const proposal = path.join(runner.temp, "bump", "proposal.json");
    return {
      ...result,
      proposal: fs.existsSync(proposal) ? JSON.parse(fs.readFileSync(proposal, "utf8")) : undefined,
    };
  }
  const pypi = (...versions: string[]) =>
    JSON.stringify({ releases: Object.fromEntries(versions.map((v) => [v, [{ yanked: false }]])) });

  it("staging runs the newest release: no PR, the reason in the summary, what it runs as output, an empty patch", () => {
    const r = run("staging", '{"backendVersion": "0.1.0"}', pypi("0.1.0"));
    expect(r.status, r.output).to.equal(0);
    expect(r.proposal).to.deep.include({ action: "none", stack: "staging" });
    expect(r.githubOutput).to.equal('outputs={"backendVersion":"0.1.0"}\n');
    expect(r.summary).to.equal("## Bump of staging\nNo PR: staging runs 0.1.0 already.\n");
    expect(fs.readFileSync(path.join(runner.temp, "bump", "bump.patch"), "utf8")).to.equal("");
  });

  it("production before staging runs the release: no production PR, and the summary says why", () => {
    const r = run("production", '{"backendVersion": "0.1.0"}', pypi("0.1.0", "0.2.0"), {
      SOURCE_OUTPUTS: '{"backendVersion":"0.1.0"}',
    });
    expect(r.status, r.output).to.equal(0);
    expect(r.summary).to.include("No PR: production runs 0.1.0 already");
    const first = run("production", "", pypi("0.1.0"), { SOURCE_OUTPUTS: "{}" });
    expect(first.summary, first.output).to.include("No PR:").and.include("runs no version yet");
  });

  it("a failed read of the stack's outputs or of PyPI fails the step before anything is proposed", () => {
    const r = run("staging", '{"backendVersion": "0.1.0"}', pypi("0.1.0"), { RELEASES_URL: "https://pypi.invalid/x" });
    expect(r.status).to.not.equal(0);
    expect(r.proposal).to.equal(undefined);
  });
});
