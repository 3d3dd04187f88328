import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { VersionGuardFacts } from "../../../components/backend/guards";
import { VersionGuards, bumpStackFile, planBump } from "../../../tools/bump/bump";
import { stackFilePath } from "../../../tools/engine/stack-file";
import { KEY } from "../../../components/program-config";

const temporaryDirs: string[] = [];
after(() => temporaryDirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

/** Temporary copies of stack files (never the real ones). */
function stackFiles(files: Record<string, string>): { dir: string; read: (stack: string) => string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bump-"));
  temporaryDirs.push(dir);
  for (const [stack, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), text);
  return { dir, read: (stack) => fs.readFileSync(path.join(dir, `Pulumi.${stack}.yaml`), "utf8") };
}

/** The checked-in staging file (read only), pinned here to a known version with a trailing comment. */
const STAGING = fs
  .readFileSync(stackFilePath("staging"), "utf8")
  .replace(/^ {2}smartem:backendVersion: .*$/m, "  smartem:backendVersion: 0.1.1rc52   # moved by npm run bump");

/** The checked-in production file, pinned to 0.1.0 and promoted from staging. */
const PRODUCTION = withPromotion(
  fs
    .readFileSync(stackFilePath("production"), "utf8")
    .replace(/^ {2}smartem:backendVersion: .*$/m, "  smartem:backendVersion: 0.1.0"),
);

function withPromotion(text: string): string {
  return /^ {2}smartem:promoteFrom:/m.test(text)
    ? text.replace(/^ {2}smartem:promoteFrom: .*$/m, "  smartem:promoteFrom: organization/smartem/staging")
    : text.replace(/^config:\n/m, "config:\n  smartem:promoteFrom: organization/smartem/staging\n");
}

/** Records the facts the guards are given and allows everything. */
function recordingGuards(): { guards: VersionGuards; seen: VersionGuardFacts[] } {
  const seen: VersionGuardFacts[] = [];
  return { seen, guards: (facts) => (seen.push(facts), []) };
}

describe("bump planning", () => {
  it("hands the guards the stack file's facts: requested, current version and the allow flags", () => {
    const { read } = stackFiles({ staging: STAGING });
    const { guards, seen } = recordingGuards();
    const result = planBump({ stack: "staging", version: "0.1.1", readStackText: read }, guards);
    expect(seen).to.deep.equal([
      { stack: "staging", version: "0.1.1", deployedVersion: "0.1.1rc52", allowPrerelease: true, allowDowngrade: false },
    ]);
    expect(result.ok && result.text).to.equal(STAGING.replace("0.1.1rc52", "0.1.1"));
  });

  it("refuses with the guards' reasons and no new text", () => {
    const { read } = stackFiles({ staging: STAGING });
    const result = planBump({ stack: "staging", version: "0.1.1", readStackText: read }, () => [
      { key: KEY.backendVersion, value: "0.1.1", message: "not today" },
    ]);
    expect(result).to.deep.equal({ ok: false, problems: ["smartem:backendVersion = 0.1.1: not today"] });
  });

  it("refuses a value the config rule rejects, naming key, value and what is allowed, before asking the guards", () => {
    const { read } = stackFiles({ staging: STAGING });
    const { guards, seen } = recordingGuards();
    for (const bad of ["latest", "v0.1.1", "0.1.1.dev3"]) {
      const result = planBump({ stack: "staging", version: bad, readStackText: read }, guards);
      expect(result.ok).to.equal(false);
      expect(!result.ok && result.problems.join("\n"))
        .to.contain(`smartem:backendVersion = "${bad}"`)
        .and.to.contain("allowed:");
    }
    expect(seen).to.deep.equal([]);
  });

  it("refuses while the stack file itself is invalid", () => {
    const { read } = stackFiles({ staging: STAGING.replace(KEY.allowPrerelease, "smartem:allowPrereleases") });
    const result = planBump({ stack: "staging", version: "0.1.1", readStackText: read }, recordingGuards().guards);
    expect(!result.ok && result.problems.join())
      .to.contain("smartem:allowPrereleases")
      .and.to.contain("fix it first");
  });

  it("names the line of each invalid value of the file as it stands, and none for a refused new version", () => {
    const text = STAGING.replace(/^ {2}smartem:apiReplicas: .*$/m, "  smartem:apiReplicas: 99");
    const line = text.split("\n").findIndex((l) => l.startsWith(`  ${KEY.apiReplicas}:`)) + 1;
    expect(line).to.be.greaterThan(0);
    const invalid = planBump({ stack: "staging", version: "0.1.1", readStackText: stackFiles({ staging: text }).read });
    expect(!invalid.ok && invalid.problems.join("\n")).to.match(
      new RegExp(`fix it first:\\n {4}- Pulumi\\.staging\\.yaml:${line}: smartem:apiReplicas = 99: .*allowed: `),
    );
    const refused = planBump({ stack: "staging", version: "latest", readStackText: stackFiles({ staging: STAGING }).read });
    expect(!refused.ok && refused.problems.join("\n")).to.match(/^smartem:backendVersion = "latest": /);
  });

  it("changes nothing when the stack already pins the version", () => {
    const { read } = stackFiles({ staging: STAGING });
    const result = planBump({ stack: "staging", version: "0.1.1rc52", readStackText: read }, () => [
      { key: "k", value: "v", message: "guards not asked" },
    ]);
    expect(result).to.deep.include({ ok: true, changed: false, text: STAGING, nextSteps: [] });
  });

  describe("on stack files (temporary copies)", () => {
    it("writes only the version when allowed, and nothing when refused", () => {
      const { dir, read } = stackFiles({ staging: STAGING });
      const refused = bumpStackFile("staging", "0.1.2", () => [{ key: "k", value: "v", message: "refused for the test" }], dir);
      expect(refused.ok).to.equal(false);
      expect(read("staging")).to.equal(STAGING);
      const allowed = bumpStackFile("staging", "0.1.2", recordingGuards().guards, dir);
      expect(allowed).to.deep.include({ ok: true, changed: true, from: "0.1.1rc52", to: "0.1.2" });
      expect(read("staging")).to.equal(STAGING.replace("backendVersion: 0.1.1rc52   #", "backendVersion: 0.1.2   #"));
    });

    it("names the stacks there are when the stack has no file", () => {
      const { dir } = stackFiles({ staging: STAGING });
      expect(() => bumpStackFile("prod", "0.1.2", recordingGuards().guards, dir)).to.throw(
        /no Pulumi.prod.yaml; the stacks here are: staging/,
      );
    });
  });

  describe("with the program's version guards", () => {
    it("accepts a final release for staging and writes only that value", () => {
      const { dir, read } = stackFiles({ staging: STAGING, production: PRODUCTION });
      const result = bumpStackFile("staging", "0.1.1", undefined, dir);
      expect(result).to.deep.include({ ok: true, changed: true, from: "0.1.1rc52", to: "0.1.1" });
      expect(result.ok && result.nextSteps).to.deep.equal([
        "npm run render -- --stack staging   # then diff out/staging against the previous render (or git diff test/golden/staging after npm run golden)",
        "pulumi preview --stack staging --policy-pack policy   # the live guards and policies check again",
        "pulumi up --stack staging",
      ]);
      expect(read("staging")).to.equal(STAGING.replace("backendVersion: 0.1.1rc52   #", "backendVersion: 0.1.1   #"));
      expect(read("production")).to.equal(PRODUCTION);
    });

    it("refuses a pre-release for production and leaves the file byte-for-byte as it was", () => {
      const { read } = stackFiles({ staging: STAGING, production: PRODUCTION });
      const { dir } = stackFiles({ staging: STAGING, production: PRODUCTION });
      const result = bumpStackFile("production", "0.1.1rc52", undefined, dir);
      expect(result.ok).to.equal(false);
      expect(!result.ok && result.problems.join("\n")).to.contain(
        "0.1.1rc52 is a pre-release and stack production takes only final releases",
      );
      expect(fs.readFileSync(path.join(dir, "Pulumi.production.yaml"), "utf8")).to.equal(read("production"));
    });

    it("promotes to production only the version the staging file pins", () => {
      const staged = STAGING.replace("backendVersion: 0.1.1rc52", "backendVersion: 0.1.1");
      const { dir } = stackFiles({ staging: staged, production: PRODUCTION });
      const ahead = bumpStackFile("production", "0.1.2", undefined, dir);
      expect(!ahead.ok && ahead.problems.join()).to.contain(
        "takes only the version organization/smartem/staging runs, which is 0.1.1",
      );
      expect(bumpStackFile("production", "0.1.1", undefined, dir)).to.deep.include({ ok: true, changed: true, to: "0.1.1" });
    });

    it("offline, checks the version and says that staging's evidence and the soak time are left to pulumi preview", () => {
      const staged = STAGING.replace("backendVersion: 0.1.1rc52", "backendVersion: 0.1.1");
      const { dir } = stackFiles({
        staging: staged,
        production: PRODUCTION.replace("config:\n", "config:\n  smartem:promotionSoakHours: 48\n"),
      });
      const result = bumpStackFile("production", "0.1.1", undefined, dir);
      expect(result.ok && result.caveats).to.deep.equal([
        "organization/smartem/staging's promotionEvidence for 0.1.1 (migration, rollout, image digest) and the 48 h soak since its rollout are not known offline: `pulumi preview --stack production` checks them",
      ]);
      expect(result.ok && result.warnings).to.deep.equal([]);
      expect(bumpStackFile("staging", "0.1.2", undefined, dir)).to.deep.include({ ok: true, caveats: [], warnings: [] });
    });

    it("takes a version staging does not pin with smartem:skipPromotionCheck, warning loudly", () => {
      const forced = PRODUCTION.replace("config:\n", "config:\n  smartem:skipPromotionCheck: true\n");
      const { dir } = stackFiles({ staging: STAGING, production: forced });
      const result = bumpStackFile("production", "0.1.2", undefined, dir);
      expect(result.ok && result.warnings.join()).to.match(
        /^smartem:skipPromotionCheck is true: stack production takes 0\.1\.2 without the promotion check from organization\/smartem\/staging, which refuses it:\n {4}smartem:backendVersion = 0\.1\.2: .*which is 0\.1\.1rc52/,
      );
      expect(result.ok && result.caveats).to.deep.equal([]);
    });

    it("refuses smartem:promotionSoakHours on a stack that promotes from none", () => {
      const { dir } = stackFiles({ staging: STAGING.replace("config:\n", "config:\n  smartem:promotionSoakHours: 0\n") });
      const result = bumpStackFile("staging", "0.1.2", undefined, dir);
      expect(!result.ok && result.problems.join()).to.contain(
        "smartem:promotionSoakHours = 0: only used with smartem:promoteFrom",
      );
    });

    it("refuses a downgrade unless the stack file allows it", () => {
      const { dir } = stackFiles({ staging: STAGING });
      const down = bumpStackFile("staging", "0.1.0", undefined, dir);
      expect(!down.ok && down.problems.join()).to.contain("lower than 0.1.1rc52");
      const rollbackAllowed = STAGING.replace("config:\n", "config:\n  smartem:allowDowngrade: true\n");
      const { dir: allowed } = stackFiles({ staging: rollbackAllowed });
      expect(bumpStackFile("staging", "0.1.0", undefined, allowed).ok).to.equal(true);
    });

    it("refuses when the promotion source has no stack file, naming it", () => {
      const { dir } = stackFiles({ production: PRODUCTION });
      const result = bumpStackFile("production", "0.1.1", undefined, dir);
      expect(!result.ok && result.problems.join())
        .to.contain("smartem:promoteFrom = organization/smartem/staging")
        .and.to.contain("no Pulumi.staging.yaml");
    });

    it("refuses to answer a promotion source of another project from this project's files", () => {
      const { dir } = stackFiles({
        production: PRODUCTION.replace("organization/smartem/staging", "acme/other/staging"),
        staging: STAGING,
      });
      const result = bumpStackFile("production", "0.1.1", undefined, dir);
      expect(!result.ok && result.problems.join()).to.contain(
        "smartem:promoteFrom = acme/other/staging: not a stack of project smartem",
      );
    });
  });
});
