import { expect } from "chai";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ReleaseDecision, ReleaseInput, VERSION_SCRIPT, decideRelease } from "../../components/workflows/version-decision";

const RULES = { tagPrefix: "smartem-decisions-v", branch: "main" };
const tag = (t: string): ReleaseInput => ({ eventName: "push", ref: `refs/tags/${t}`, runNumber: 60 });

/** Input -> the kind it leads to, and the version when it releases or checks. */
const TABLE: Array<[string, ReleaseInput, ReleaseDecision["kind"], string?]> = [
  ["stable tag", tag("smartem-decisions-v0.1.0"), "stable", "0.1.0"],
  ["stable tag 1.2.10", tag("smartem-decisions-v1.2.10"), "stable", "1.2.10"],
  ["rc-looking tag", tag("smartem-decisions-v0.1.1rc52"), "rejected"],
  ["historic two-part rc tag", tag("smartem-decisions-v0.1rc2"), "rejected"],
  ["dev tag", tag("smartem-decisions-v0.2.0.dev1"), "rejected"],
  ["post tag", tag("smartem-decisions-v0.1.0.post1"), "rejected"],
  ["local tag", tag("smartem-decisions-v0.1.0+build.5"), "rejected"],
  ["non-canonical tag (double v)", tag("smartem-decisions-vv0.1.0"), "rejected"],
  ["non-canonical tag (leading zero)", tag("smartem-decisions-v0.01.0"), "rejected"],
  ["two-part final tag", tag("smartem-decisions-v0.2"), "rejected"],
  ["malformed tag", tag("smartem-decisions-v0.1.0-final"), "rejected"],
  ["empty version", tag("smartem-decisions-v"), "rejected"],
  ["legacy tag", tag("v0.0.1"), "rejected"],
  ["test tag", tag("test-v0.0.1"), "rejected"],
  ["another package's tag", tag("epuplayer-v1.0.0"), "rejected"],
  ["push to main after 0.1.0", { eventName: "push", ref: "refs/heads/main", runNumber: 52, scmVersion: "0.1.1.dev5+g1a2b3c4" }, "rc", "0.1.1rc52"],
  ["push to main after an rc tag", { eventName: "push", ref: "refs/heads/main", runNumber: 53, scmVersion: "0.1.1rc7.dev2+g1a2b3c4" }, "rc", "0.1.1rc53"],
  ["push to main on the commit of a final tag", { eventName: "push", ref: "refs/heads/main", runNumber: 54, scmVersion: "0.1.0" }, "rc", "0.1.1rc54"],
  ["push to another branch", { eventName: "push", ref: "refs/heads/feature", runNumber: 5, scmVersion: "0.1.1.dev5" }, "rejected"],
  ["pull request", { eventName: "pull_request", ref: "refs/pull/7/merge", runNumber: 55, scmVersion: "0.1.1.dev5+g1a2b3c4" }, "check", "0.1.1.dev5+g1a2b3c4"],
  ["schedule", { eventName: "schedule", ref: "refs/heads/main", runNumber: 56, scmVersion: "0.1.1.dev5" }, "rejected"],
];

describe("version decision", () => {
  for (const [label, input, kind, version] of TABLE) {
    it(`${label}: ${kind}${version ? ` ${version}` : ""}`, () => {
      const decision = decideRelease(input, RULES);
      expect(decision.kind).to.equal(kind);
      if (decision.kind !== "rejected") expect(decision.version).to.equal(version);
    });
  }

  it("an rc tag, wheel and release carry one version; stable is never a pre-release", () => {
    const rc = decideRelease({ eventName: "push", ref: "refs/heads/main", runNumber: 52, scmVersion: "0.1.1.dev5" }, RULES);
    expect(rc).to.deep.equal({ kind: "rc", version: "0.1.1rc52", tag: "smartem-decisions-v0.1.1rc52", prerelease: true });
    const stable = decideRelease(tag("smartem-decisions-v0.1.0"), RULES);
    expect(stable).to.deep.equal({ kind: "stable", version: "0.1.0", tag: "smartem-decisions-v0.1.0", prerelease: false });
  });

  describe("the workflow's Python script decides exactly like decideRelease", function () {
    const probe = spawnSync("python3", ["-c", "import packaging.version"], { encoding: "utf8" });
    const available = probe.status === 0;
    let fakeScm: string;
    before(function () {
      // Needs python3 with `packaging`; CI installs it, so there a missing one is a failure, not a skip.
      if (!available && process.env.CI) throw new Error(`python3 with packaging is required in CI: ${probe.stderr}`);
      if (!available) this.skip();
      fakeScm = fs.mkdtempSync(path.join(os.tmpdir(), "fake-scm-"));
      fs.mkdirSync(path.join(fakeScm, "setuptools_scm"));
      fs.writeFileSync(path.join(fakeScm, "setuptools_scm", "__init__.py"), "");
      // Stands in for setuptools_scm's CLI: prints the version the case gives.
      fs.writeFileSync(path.join(fakeScm, "setuptools_scm", "__main__.py"), "import os\nprint(os.environ['FAKE_SCM_VERSION'])\n");
    });
    after(() => fakeScm && fs.rmSync(fakeScm, { recursive: true, force: true }));

    for (const [label, input] of TABLE) {
      it(label, () => {
        const outFile = path.join(fakeScm, "output");
        fs.writeFileSync(outFile, "");
        const run = spawnSync("python3", ["-"], {
          input: VERSION_SCRIPT,
          encoding: "utf8",
          env: {
            PATH: process.env.PATH,
            PYTHONPATH: fakeScm,
            EVENT_NAME: input.eventName,
            GIT_REF: input.ref,
            RUN_NUMBER: String(input.runNumber),
            TAG_PREFIX: RULES.tagPrefix,
            RELEASE_BRANCH: RULES.branch,
            FAKE_SCM_VERSION: input.scmVersion ?? "",
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
        });
      });
    }
  });
});
