/**
 * The github-release job's script, run as GitHub runs it (`bash --noprofile --norc -eo pipefail`)
 * against a fake `gh` that keeps one repository's releases, tags and assets in a temp folder
 * (test/support/fake-gh.ts). What a maintainer relies on: a failed run leaves a draft or
 * nothing, never a published release with missing files; a re-run completes it; a tag that
 * exists elsewhere, or an API failure, stops the run before anything is created.
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import { RunStep } from "../../components/actions/model";
import { pythonPackage, SMARTEM_DECISIONS } from "../../components/release/package";
import { RELEASE_SCRIPT, releasePlan } from "../../components/release/release-workflow";
import { FakeGhServer, FakeGitHub, FakeRelease, startFakeGh } from "../support/fake-gh";
import { GithubRunner } from "../support/github-step";

const REPO = "DiamondLightSource/smartem-decisions";
const BUILT = "1111111111111111111111111111111111111111";
const OTHER = "2222222222222222222222222222222222222222";
const RC = { TAG: "smartem-decisions-v0.1.1rc65", KIND: "rc", PRERELEASE: "true", LATEST: "false" };
const STABLE = { TAG: "smartem-decisions-v0.2.0", KIND: "stable", PRERELEASE: "false", LATEST: "true" };
const ASSETS = [
  "smartem_decisions-0.1.1rc65-py3-none-any.whl",
  "smartem_decisions-0.1.1rc65.tar.gz",
  "smartem-agent-windows-v0.1.1rc65.exe",
  "openapi-0.1.1rc65.json",
  "smartem_decisions-0.1.1rc65-py3-none-any.whl.intoto.jsonl",
];

interface Run {
  readonly status: number;
  readonly output: string;
  readonly calls: string[];
}

describe("the github-release script, run under GitHub's bash with a fake gh", () => {
  let runner: GithubRunner;
  let statePath: string;
  let gh: FakeGhServer;

  beforeEach(async () => {
    runner = new GithubRunner("release-script");
    statePath = path.join(runner.dir, "github.json");
    gh = await startFakeGh(runner.bin);
    for (const name of ASSETS) runner.write(path.join("release", name), `${name}\n`);
    github({});
  });
  afterEach(async () => {
    await gh.close();
    runner.dispose();
  });

  function github(state: Partial<FakeGitHub>): void {
    fs.writeFileSync(statePath, JSON.stringify({ repository: REPO, tags: {}, releases: [], nextId: 1, ...state }));
  }
  const state = (): FakeGitHub => JSON.parse(fs.readFileSync(statePath, "utf8")) as FakeGitHub;
  const release = (fields: Partial<FakeRelease>): FakeRelease => ({
    id: 90,
    tag_name: RC.TAG,
    draft: true,
    prerelease: true,
    target_commitish: BUILT,
    name: "x",
    assets: [],
    ...fields,
  });

  /** Runs the script; asynchronously, because the fake gh answers from this process. */
  async function run(kind: typeof RC | typeof STABLE, faults: Record<string, string> = {}): Promise<Run> {
    const log = path.join(runner.dir, `calls-${Math.random()}.log`);
    const { status, output } = await runner.runAsync(RELEASE_SCRIPT, {
      env: {
        FAKE_GH_STATE: statePath,
        FAKE_GH_LOG: log,
        GH_REPO: REPO,
        TARGET: BUILT,
        TITLE: "smartem-decisions 0.1.1rc65",
        ...kind,
        ...faults,
      },
    });
    const calls = fs.existsSync(log) ? fs.readFileSync(log, "utf8").trim().split("\n") : [];
    return { status, output, calls };
  }

  it("is the script the workflow's github-release job runs", () => {
    const job = releasePlan(pythonPackage(SMARTEM_DECISIONS)).workflow.jobs["github-release"]!;
    expect(job.steps.filter((s): s is RunStep => "run" in s).map((s) => s.run)).to.deep.equal([RELEASE_SCRIPT]);
  });

  it("a release candidate: drafts at the built commit, uploads every asset, then publishes, which creates the tag there", async () => {
    const r = await run(RC);
    expect(r.status, r.output).to.equal(0);
    const s = state();
    expect(s.releases).to.have.length(1);
    expect(s.releases[0]).to.deep.include({
      tag_name: RC.TAG,
      draft: false,
      prerelease: true,
      latest: false,
      target_commitish: BUILT,
    });
    expect([...s.releases[0]!.assets].sort()).to.deep.equal([...ASSETS].sort());
    expect(s.tags[RC.TAG]).to.equal(BUILT);
    const order = r.calls.map((c) => c.split(" ").slice(0, 2).join(" "));
    expect(order.slice(-3)).to.deep.equal(["release create", "release upload", "release edit"]);
    expect(r.calls.find((c) => c.startsWith("release create")))
      .to.include("--draft")
      .and.include("--prerelease")
      .and.not.include("--verify-tag");
  });

  it("a stable release: needs its pushed tag (also annotated), publishes as latest", async () => {
    github({ tags: { [STABLE.TAG]: { annotated: "3333333333333333333333333333333333333333", commit: BUILT } } });
    const r = await run(STABLE);
    expect(r.status, r.output).to.equal(0);
    expect(state().releases[0]).to.deep.include({ tag_name: STABLE.TAG, draft: false, prerelease: false, latest: true });
    expect(r.calls.find((c) => c.startsWith("release create")))
      .to.include("--verify-tag")
      .and.not.include("--prerelease");
  });

  it("a stable release whose tag is missing fails at creation and leaves nothing", async () => {
    const r = await run(STABLE);
    expect(r.status).to.not.equal(0);
    expect(r.output).to.include("--verify-tag");
    expect(state().releases).to.deep.equal([]);
  });

  it("an upload failing midway leaves a draft without a tag; the re-run fills the same draft and publishes it", async () => {
    const first = await run(RC, { FAKE_GH_UPLOAD_FAIL_AFTER: "2" });
    expect(first.status).to.not.equal(0);
    let s = state();
    expect(s.releases).to.have.length(1);
    expect(s.releases[0]!.draft).to.equal(true);
    expect(s.releases[0]!.assets).to.have.length(2);
    expect(s.tags, "a draft creates no tag").to.deep.equal({});

    const again = await run(RC);
    expect(again.status, again.output).to.equal(0);
    expect(again.output).to.include("exists (a re-run): filling it again");
    expect(
      again.calls.some((c) => c.startsWith("release create")),
      "no second draft",
    ).to.equal(false);
    s = state();
    expect(s.releases).to.have.length(1);
    expect(s.releases[0]!.draft).to.equal(false);
    expect([...s.releases[0]!.assets].sort()).to.deep.equal([...ASSETS].sort());
    expect(s.tags[RC.TAG]).to.equal(BUILT);
  });

  it("a release already published with every asset: checked, nothing uploaded or edited", async () => {
    github({ tags: { [RC.TAG]: BUILT }, releases: [release({ draft: false, assets: [...ASSETS] })] });
    const r = await run(RC);
    expect(r.status, r.output).to.equal(0);
    expect(r.output).to.include("already published with every asset");
    expect(r.calls.filter((c) => /^release (create|upload|edit)/.test(c))).to.deep.equal([]);
  });

  it("a release published with missing assets fails naming them, and uploads nothing (immutable releases)", async () => {
    github({ tags: { [RC.TAG]: BUILT }, releases: [release({ draft: false, assets: ASSETS.slice(0, 3) })] });
    const r = await run(RC);
    expect(r.status).to.equal(1);
    const missing = /is published without: (.*)/.exec(r.output)?.[1]?.split(", ");
    expect(missing?.sort()).to.deep.equal([ASSETS[3], ASSETS[4]].sort());
    expect(r.calls.filter((c) => /^release (create|upload|edit)/.test(c))).to.deep.equal([]);
  });

  it("a tag on another commit stops the run before anything is created", async () => {
    github({ tags: { [RC.TAG]: OTHER, [`${RC.TAG}0`]: BUILT } });
    const r = await run(RC);
    expect(r.status).to.equal(1);
    expect(r.output).to.include(`tag ${RC.TAG} is on commit ${OTHER}, not on ${BUILT}`);
    expect(state().releases).to.deep.equal([]);
  });

  it("a tag that only starts like the release's tag is not taken for it", async () => {
    github({ tags: { [`${RC.TAG}0`]: OTHER } });
    const r = await run(RC);
    expect(r.status, r.output).to.equal(0);
    expect(state().tags[RC.TAG]).to.equal(BUILT);
  });

  for (const [what, fault] of [
    ["the tag lookup", "git/matching-refs"],
    ["the release listing", "releases?per_page"],
  ] as const) {
    it(`an API failure in ${what} stops the run: it is not read as "no tag" or "no release"`, async () => {
      const r = await run(RC, { FAKE_GH_FAIL: fault });
      expect(r.status).to.not.equal(0);
      expect(state().releases).to.deep.equal([]);
      expect(r.calls.some((c) => c.startsWith("release create"))).to.equal(false);
    });
  }

  it("a draft of another commit, or several drafts of the tag, stop the run naming them", async () => {
    github({ releases: [release({ target_commitish: OTHER })] });
    const other = await run(RC);
    expect(other.status).to.equal(1);
    expect(other.output).to.include(`(id 90) targets ${OTHER}, not ${BUILT}`);

    github({ releases: [release({ id: 91 }), release({ id: 90 })] });
    const several = await run(RC);
    expect(several.status).to.equal(1);
    expect(several.output).to.include("several draft releases (ids 91, 90)");
    expect(several.calls.filter((c) => /^release (create|upload|edit)/.test(c))).to.deep.equal([]);
  });

  it("no assets downloaded: fails before calling GitHub", async () => {
    fs.rmSync(path.join(runner.dir, "release"), { recursive: true });
    const r = await run(RC);
    expect(r.status).to.equal(1);
    expect(r.output).to.include("no release assets");
    expect(r.calls).to.deep.equal([]);
  });
});
