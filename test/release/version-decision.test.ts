import { expect } from "chai";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ReleaseDecision, ReleaseInput, RepositoryTag, VERSION_SCRIPT, decideRelease } from "../../components/release/version-decision";

const RULES = { tagPrefix: "smartem-decisions-v", branch: "main" };
const HEAD = "1111111111111111111111111111111111111111";
const OTHER = "2222222222222222222222222222222222222222";
const tagged = (name: string, merged = true, commit = OTHER): RepositoryTag => ({ name, commit, merged });

/** The tags of smartem-decisions today: legacy, test, one final, many release candidates. */
const HISTORY: RepositoryTag[] = [
  ...["v0.0.1", "v0.0.2", "v0.0.3", "v0.0.4", "test-v0.0.1", "test-v0.0.2"].map((t) => tagged(t)),
  tagged("smartem-decisions-v0.1.0"),
  tagged("smartem-decisions-v0.1rc2"),
  tagged("smartem-decisions-v0.1.1rc6"),
  tagged("smartem-decisions-v0.1.1rc52"),
];
const tagPush = (t: string, tags: RepositoryTag[] = [...HISTORY, tagged(t, true, HEAD)]): ReleaseInput => ({
  eventName: "push",
  ref: `refs/tags/${t}`,
  runNumber: 60,
  head: HEAD,
  tags,
});
const mainPush = (runNumber: number, tags: RepositoryTag[] = HISTORY): ReleaseInput => ({ eventName: "push", ref: "refs/heads/main", runNumber, head: HEAD, tags });

/** Input -> the kind it leads to, the version when it releases or checks, and `latest`. */
const TABLE: Array<[string, ReleaseInput, ReleaseDecision["kind"], string?, boolean?]> = [
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
  ["push to main on the commit of a final tag", mainPush(54, [...HISTORY, tagged("smartem-decisions-v0.1.1", true, HEAD)]), "rc", "0.1.2rc54", false],
  ["push to main: a final tag not reachable from the commit does not count", mainPush(55, [...HISTORY, tagged("smartem-decisions-v0.3.0", false)]), "rc", "0.1.1rc55", false],
  ["push to main: an rc-looking tag someone created does not steer the version", mainPush(61, [...HISTORY, tagged("smartem-decisions-v9.0.0rc1")]), "rc", "0.1.1rc61", false],
  ["push to main: legacy and other packages' tags do not steer the version", mainPush(62, [...HISTORY, tagged("v9.9.9"), tagged("epuplayer-v5.0.0")]), "rc", "0.1.1rc62", false],
  ["push to main with no final tag yet", mainPush(3, [tagged("v0.0.1")]), "rc", "0.0.1rc3", false],
  ["push to main: the rc tag already exists on another commit", mainPush(63, [...HISTORY, tagged("smartem-decisions-v0.1.1rc63", true, OTHER)]), "rejected"],
  ["push to main re-run: the rc tag is already on this commit", mainPush(64, [...HISTORY, tagged("smartem-decisions-v0.1.1rc64", true, HEAD)]), "rc", "0.1.1rc64", false],
  ["push to another branch", { eventName: "push", ref: "refs/heads/feature", runNumber: 5, head: HEAD, tags: HISTORY }, "rejected"],
  ["pull request", { eventName: "pull_request", ref: "refs/pull/7/merge", runNumber: 55, head: HEAD, tags: HISTORY, scmVersion: "0.1.1.dev5+g1a2b3c4" }, "check", "0.1.1.dev5+g1a2b3c4", false],
  ["schedule", { eventName: "schedule", ref: "refs/heads/main", runNumber: 56, head: HEAD, tags: HISTORY }, "rejected"],
];

describe("version decision", () => {
  for (const [label, input, kind, version, latest] of TABLE) {
    it(`${label}: ${kind}${version ? ` ${version}` : ""}`, () => {
      const decision = decideRelease(input, RULES);
      expect(decision.kind).to.equal(kind);
      if (decision.kind !== "rejected") {
        expect(decision.version).to.equal(version);
        expect(decision.latest).to.equal(latest);
      }
    });
  }

  it("an rc tag, wheel and release carry one version; stable is never a pre-release", () => {
    expect(decideRelease(mainPush(65), RULES)).to.deep.equal({
      kind: "rc",
      version: "0.1.1rc65",
      tag: "smartem-decisions-v0.1.1rc65",
      prerelease: true,
      latest: false,
    });
    expect(decideRelease(tagPush("smartem-decisions-v0.1.1"), RULES)).to.deep.equal({
      kind: "stable",
      version: "0.1.1",
      tag: "smartem-decisions-v0.1.1",
      prerelease: false,
      latest: true,
    });
  });

  describe("the workflow's Python script decides exactly like decideRelease", function () {
    const probe = spawnSync("python3", ["-c", "import packaging.version"], { encoding: "utf8" });
    const available = probe.status === 0;
    let fakes: string;
    before(function () {
      // Needs python3 with `packaging`; CI installs it, so there a missing one is a failure, not a skip.
      if (!available && process.env.CI) throw new Error(`python3 with packaging is required in CI: ${probe.stderr}`);
      if (!available) this.skip();
      fakes = fs.mkdtempSync(path.join(os.tmpdir(), "version-script-"));
      fs.mkdirSync(path.join(fakes, "setuptools_scm"));
      fs.writeFileSync(path.join(fakes, "setuptools_scm", "__init__.py"), "");
      // Stands in for setuptools_scm's CLI: prints the version the case gives.
      fs.writeFileSync(path.join(fakes, "setuptools_scm", "__main__.py"), "import os\nprint(os.environ['FAKE_SCM_VERSION'])\n");
      // Stands in for git: answers the three questions the script asks from the case's tags.
      fs.writeFileSync(
        path.join(fakes, "git"),
        [
          "#!/usr/bin/env python3",
          "import json, os, sys",
          "repo = json.loads(os.environ['FAKE_GIT'])",
          "args = sys.argv[1:]",
          "if args[:3] == ['tag', '--merged', 'HEAD']:",
          "    print('\\n'.join(t['name'] for t in repo['tags'] if t['merged']))",
          "elif args[:1] == ['for-each-ref']:",
          "    print('\\n'.join(f\"{t['name']}\\t{t['commit']}\\t\" for t in repo['tags']))",
          "elif args == ['rev-parse', 'HEAD']:",
          "    print(repo['head'])",
          "else:",
          "    sys.exit(f'unexpected git {args}')",
          "",
        ].join("\n"),
        { mode: 0o755 },
      );
    });
    after(() => fakes && fs.rmSync(fakes, { recursive: true, force: true }));

    for (const [label, input] of TABLE) {
      it(label, () => {
        const outFile = path.join(fakes, "output");
        fs.writeFileSync(outFile, "");
        const run = spawnSync("python3", ["-"], {
          input: VERSION_SCRIPT,
          encoding: "utf8",
          env: {
            PATH: `${fakes}${path.delimiter}${process.env.PATH ?? ""}`,
            PYTHONPATH: fakes,
            EVENT_NAME: input.eventName,
            GIT_REF: input.ref,
            RUN_NUMBER: String(input.runNumber),
            TAG_PREFIX: RULES.tagPrefix,
            RELEASE_BRANCH: RULES.branch,
            FAKE_SCM_VERSION: input.scmVersion ?? "",
            FAKE_GIT: JSON.stringify({ head: input.head, tags: input.tags ?? [] }),
            GITHUB_OUTPUT: outFile,
          },
        });
        const expected = decideRelease(input, RULES);
        if (expected.kind === "rejected") {
          expect(run.status, run.stdout + run.stderr).to.equal(1);
          expect(run.stdout).to.match(/^::error title=No release::/);
          expect(fs.readFileSync(outFile, "utf8")).to.equal("");
          return;
        }
        expect(run.status, run.stderr).to.equal(0);
        const outputs = Object.fromEntries(
          fs.readFileSync(outFile, "utf8").trim().split("\n").map((l) => l.split(/=(.*)/s).slice(0, 2) as [string, string]),
        );
        expect(outputs).to.deep.equal({
          kind: expected.kind,
          version: expected.version,
          tag: expected.tag,
          prerelease: String(expected.prerelease),
          latest: String(expected.latest),
        });
      });
    }
  });

  describe("the workflow's Python script against a real git repository", function () {
    const python = spawnSync("python3", ["-c", "import packaging.version"], { encoding: "utf8" }).status === 0;
    const gitAvailable = spawnSync("git", ["--version"]).status === 0;
    let repo: string;
    const git = (...args: string[]) => {
      const result = spawnSync("git", args, { cwd: repo, encoding: "utf8", env: { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1" } });
      if (result.status !== 0) throw new Error(`git ${args.join(" ")}: ${result.stderr}`);
      return result.stdout.trim();
    };
    const commit = (message: string) => git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "--allow-empty", "-q", "-m", message);

    before(function () {
      if ((!python || !gitAvailable) && process.env.CI) throw new Error("python3 with packaging and git are required in CI");
      if (!python || !gitAvailable) this.skip();
      repo = fs.mkdtempSync(path.join(os.tmpdir(), "version-repo-"));
      git("init", "-q", "-b", "main");
      commit("first");
      git("-c", "user.name=t", "-c", "user.email=t@example.org", "tag", "-a", "-m", "release", "smartem-decisions-v0.1.0");
      commit("second");
      git("tag", "smartem-decisions-v9.0.0rc1"); // lightweight, rc-looking: must not steer the version
      git("tag", "v7.0.0");
      git("checkout", "-q", "-b", "side");
      commit("unmerged");
      git("tag", "smartem-decisions-v0.3.0"); // final, but not reachable from main
      git("checkout", "-q", "main");
    });
    after(() => repo && fs.rmSync(repo, { recursive: true, force: true }));

    function runScript(eventName: string, ref: string, runNumber: number): { status: number | null; outputs: Record<string, string>; stdout: string } {
      const outFile = path.join(repo, ".git", "github-output");
      fs.writeFileSync(outFile, "");
      const run = spawnSync("python3", ["-"], {
        cwd: repo,
        input: VERSION_SCRIPT,
        encoding: "utf8",
        env: { PATH: process.env.PATH, EVENT_NAME: eventName, GIT_REF: ref, RUN_NUMBER: String(runNumber), TAG_PREFIX: RULES.tagPrefix, RELEASE_BRANCH: "main", GITHUB_OUTPUT: outFile },
      });
      const outputs = Object.fromEntries(
        fs.readFileSync(outFile, "utf8").trim().split("\n").filter(Boolean).map((l) => l.split(/=(.*)/s).slice(0, 2) as [string, string]),
      );
      return { status: run.status, outputs, stdout: run.stdout + run.stderr };
    }

    it("a push to main: the next patch's rc after the reachable final tag (annotated), ignoring rc, legacy and unmerged tags", () => {
      const run = runScript("push", "refs/heads/main", 70);
      expect(run.status, run.stdout).to.equal(0);
      expect(run.outputs).to.deep.equal({ kind: "rc", version: "0.1.1rc70", tag: "smartem-decisions-v0.1.1rc70", prerelease: "true", latest: "false" });
    });

    it("a stable tag below an existing higher final is released, but not as latest", () => {
      const run = runScript("push", "refs/tags/smartem-decisions-v0.1.0", 71);
      expect(run.status, run.stdout).to.equal(0);
      expect(run.outputs).to.include({ kind: "stable", version: "0.1.0", latest: "false" });
    });

    it("an rc tag that already exists on another commit stops the run", () => {
      git("tag", "smartem-decisions-v0.1.1rc72", "HEAD~1");
      const run = runScript("push", "refs/heads/main", 72);
      expect(run.status).to.equal(1);
      expect(run.stdout).to.match(/::error title=No release::tag smartem-decisions-v0\.1\.1rc72 already exists on commit/);
    });
  });
});
