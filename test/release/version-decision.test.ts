import { expect } from "chai";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { VERSION_SCRIPT, decideRelease } from "../../components/release/version-decision";
import { DriverResult, runVersionCases } from "../support/version-driver";
import { RULES, TABLE, expectScriptDecides, mainPush, tagPush, versionCase } from "../support/version-table";

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

  describe("the workflow's Python script decides exactly like decideRelease (all cases in one Python process)", function () {
    const probe = spawnSync("python3", ["-c", "import packaging.version"], { encoding: "utf8" });
    const available = probe.status === 0;
    let results: DriverResult[];
    before(function () {
      // Needs python3 with `packaging`; CI installs it, so there a missing one is a failure, not a skip.
      // (npm run test:python runs the same table with the exact pinned packaging.)
      if (!available && process.env.CI) throw new Error(`python3 with packaging is required in CI: ${probe.stderr}`);
      if (!available) this.skip();
      results = runVersionCases(
        "python3",
        TABLE.map(([, input]) => versionCase(input)),
      );
    });

    TABLE.forEach(([label, input], i) => {
      it(label, () => expectScriptDecides(results[i]!, decideRelease(input, RULES)));
    });
  });

  describe("the workflow's Python script against a real git repository", function () {
    const python = spawnSync("python3", ["-c", "import packaging.version"], { encoding: "utf8" }).status === 0;
    const gitAvailable = spawnSync("git", ["--version"]).status === 0;
    let repo: string;
    const git = (...args: string[]) => {
      const result = spawnSync("git", args, {
        cwd: repo,
        encoding: "utf8",
        env: { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1" },
      });
      if (result.status !== 0) throw new Error(`git ${args.join(" ")}: ${result.stderr}`);
      return result.stdout.trim();
    };
    const commit = (message: string) =>
      git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "--allow-empty", "-q", "-m", message);

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

    function runScript(
      eventName: string,
      ref: string,
      runNumber: number,
    ): { status: number | null; outputs: Record<string, string>; stdout: string } {
      const outFile = path.join(repo, ".git", "github-output");
      fs.writeFileSync(outFile, "");
      const run = spawnSync("python3", ["-"], {
        cwd: repo,
        input: VERSION_SCRIPT,
        encoding: "utf8",
        env: {
          PATH: process.env.PATH,
          EVENT_NAME: eventName,
          GIT_REF: ref,
          RUN_NUMBER: String(runNumber),
          TAG_PREFIX: RULES.tagPrefix,
          RELEASE_BRANCH: "main",
          GITHUB_OUTPUT: outFile,
        },
      });
      const outputs = Object.fromEntries(
        fs
          .readFileSync(outFile, "utf8")
          .trim()
          .split("\n")
          .filter(Boolean)
          .map((l) => l.split(/=(.*)/s).slice(0, 2) as [string, string]),
      );
      return { status: run.status, outputs, stdout: run.stdout + run.stderr };
    }

    it("a push to main: the next patch's rc after the reachable final tag (annotated), ignoring rc, legacy and unmerged tags", () => {
      const run = runScript("push", "refs/heads/main", 70);
      expect(run.status, run.stdout).to.equal(0);
      expect(run.outputs).to.deep.equal({
        kind: "rc",
        version: "0.1.1rc70",
        tag: "smartem-decisions-v0.1.1rc70",
        prerelease: "true",
        latest: "false",
      });
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
