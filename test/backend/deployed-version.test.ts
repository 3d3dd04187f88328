/**
 * The upgrade guards wired into the program: facts come from stack references (the
 * stack's own backendVersion output, the promotion source's), checked before any
 * other resource is registered.
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { offlineCaveats, offlineStackReferences } from "../../tools/engine/offline";
import { goldenDir, listStacks, readStackFile, stackFilePath } from "../../tools/engine/stack-file";
import { evaluateStack } from "../support/evaluate";
import { KEY } from "../../components/program-config";
import { TYPES } from "../../components/shared/project";
import { rejection } from "../support/refusals";

const SELF = (stack: string): string => `organization/smartem/${stack}`;
const STAGING = "organization/smartem/staging";
const pinOf = (stack: string): string | undefined => readStackFile(stack).config[KEY.backendVersion];

const refusal = async (promise: Promise<unknown>): Promise<string> => (await rejection(promise)).message;

describe("backend upgrade guards in the program", () => {
  it("the stack references are the first resources, before anything else", async () => {
    const e = await evaluateStack("production");
    expect(e.resources.slice(0, 2).map((r) => [r.type, r.inputs.name])).to.deep.equal([
      [TYPES.stackReference, SELF("production")],
      [TYPES.stackReference, STAGING],
    ]);
    expect(e.outputs.backendVersion).to.equal(pinOf("production"));
  });

  it("a rollback runs no migration (the older code cannot migrate a newer schema); an upgrade does, first", async () => {
    const JOB = TYPES.job;
    const DEPLOYMENT = TYPES.deployment;
    const rollback = await evaluateStack(
      "dev",
      { backendVersion: "0.1.0", allowDowngrade: "true" },
      { stackReferences: { [SELF("dev")]: { backendVersion: "0.1.1" } } },
    );
    expect(rollback.resources.filter((r) => r.type === JOB)).to.deep.equal([]);
    expect(rollback.outputs.migratedVersion, "the schema stays at the newer version").to.equal("0.1.1");
    const upgrade = await evaluateStack("dev", { backendVersion: "0.1.2" }, { stackReferences: { [SELF("dev")]: { backendVersion: "0.1.1" } } });
    expect(upgrade.outputs.migratedVersion).to.equal("0.1.2");
    const [job] = upgrade.resources.filter((r) => r.type === JOB);
    for (const deployment of upgrade.resources.filter((r) => r.type === DEPLOYMENT && /http-api|worker/.test(r.name))) {
      expect(deployment.dependsOn, deployment.name).to.include(job!.urn);
    }
  });

  it("refuses a downgrade below the stack's own backendVersion output", async () => {
    const message = await refusal(evaluateStack("dev", { backendVersion: "0.1.0" }, { stackReferences: { [SELF("dev")]: { backendVersion: "0.1.1" } } }));
    expect(message).to.match(/smartem:backendVersion = 0\.1\.0: 0\.1\.0 is lower than 0\.1\.1, which stack dev runs now.*smartem:allowDowngrade: true/);
  });

  it("takes the rollback with smartem:allowDowngrade", async () => {
    const e = await evaluateStack(
      "dev",
      { backendVersion: "0.1.0", allowDowngrade: "true" },
      { stackReferences: { [SELF("dev")]: { backendVersion: "0.1.1" } } },
    );
    expect(e.outputs.backendVersion).to.equal("0.1.0");
  });

  it("going back to the serving version after a newer one migrated and failed to roll out runs no migration", async () => {
    // 0.2.0 migrated the schema, then its rollout failed: 0.1.0 still serves.
    const back = await evaluateStack(
      "dev",
      { backendVersion: "0.1.0" },
      { stackReferences: { [SELF("dev")]: { backendVersion: "0.1.0", migratedVersion: "0.2.0" } } },
    );
    expect(back.resources.filter((r) => r.type === TYPES.job)).to.deep.equal([]);
    expect(back.outputs.migratedVersion).to.equal("0.2.0");
  });

  it("refuses on production a version staging does not run, naming the override", async () => {
    const message = await refusal(
      evaluateStack("production", { backendVersion: "0.1.1" }, { stackReferences: { [STAGING]: { backendVersion: "0.1.0" }, [SELF("production")]: { backendVersion: "0.1.0" } } }),
    );
    expect(message).to.match(/smartem:backendVersion = 0\.1\.1: .*organization\/smartem\/staging runs, which is 0\.1\.0.*smartem:skipPromotionCheck: true/);
  });

  it("takes on production the version staging runs, or any with smartem:skipPromotionCheck", async () => {
    const promoted = await evaluateStack(
      "production",
      { backendVersion: "0.1.1" },
      { stackReferences: { [STAGING]: { backendVersion: "0.1.1" }, [SELF("production")]: { backendVersion: "0.1.0" } } },
    );
    expect(promoted.outputs.backendVersion).to.equal("0.1.1");
    const forced = await evaluateStack(
      "production",
      { backendVersion: "0.1.2", skipPromotionCheck: "true" },
      { stackReferences: { [STAGING]: { backendVersion: "0.1.1" } } },
    );
    expect(forced.outputs.backendVersion).to.equal("0.1.2");
  });

  it("refuses a release candidate on production even when staging runs it", async () => {
    const message = await refusal(evaluateStack("production", { backendVersion: "0.1.1rc52" }, { stackReferences: { [STAGING]: { backendVersion: "0.1.1rc52" } } }));
    expect(message).to.match(/0\.1\.1rc52 is a pre-release and stack production takes only final releases/);
  });

  it("refuses when the promotion source reports no version (production's first deploy)", async () => {
    const message = await refusal(evaluateStack("production", {}, { stackReferences: { [STAGING]: {}, [SELF("production")]: {} } }));
    expect(message).to.match(/smartem:promoteFrom = organization\/smartem\/staging: .*reports no backendVersion/);
  });

  describe("as under the real engine: each StackReference answers that stack's last outputs", () => {
    it("production pinned to the version it runs is never blocked by staging moving ahead, or reporting nothing", async () => {
      for (const stagingOutputs of [{ backendVersion: "0.1.1" }, { backendVersion: "0.2.0rc3" }, {}]) {
        const e = await evaluateStack(
          "production",
          { backendVersion: "0.1.0" },
          { stackReferences: { [STAGING]: stagingOutputs, [SELF("production")]: { backendVersion: "0.1.0", migratedVersion: "0.1.0" } } },
        );
        expect(e.outputs.backendVersion, JSON.stringify(stagingOutputs)).to.equal("0.1.0");
      }
    });

    it("a production pin that staging does not run is refused, naming what staging runs and what production runs", async () => {
      const message = await refusal(
        evaluateStack(
          "production",
          { backendVersion: "0.1.1" },
          { stackReferences: { [STAGING]: { backendVersion: "0.1.2" }, [SELF("production")]: { backendVersion: "0.1.0" } } },
        ),
      );
      expect(message).to.contain(
        "smartem:backendVersion = 0.1.1: stack production takes only the version organization/smartem/staging runs, which is 0.1.2; " +
          "deploy 0.1.1 to organization/smartem/staging first, or pin 0.1.2 here, or keep 0.1.0, which production runs now (a re-apply needs no promotion), " +
          "or set smartem:skipPromotionCheck: true",
      );
    });
  });

  describe("offline answers", () => {
    it("the stack itself runs what its last reviewed render (test/golden) says; other stacks run their stack file's version", () => {
      const references = offlineStackReferences("production");
      const golden = JSON.parse(fs.readFileSync(path.join(goldenDir("production"), "outputs.json"), "utf8")) as Record<string, unknown>;
      expect(references[SELF("production")]).to.deep.equal(golden).and.to.have.property("backendVersion", pinOf("production"));
      expect(references[STAGING]).to.deep.equal({ backendVersion: pinOf("staging") });
    });

    it("a stack with no golden render is a first deploy", () => {
      const root = fs.mkdtempSync(path.join(os.tmpdir(), "offline-answers-"));
      try {
        for (const stack of listStacks()) fs.copyFileSync(stackFilePath(stack), stackFilePath(stack, root));
        expect(offlineStackReferences("production", root)[SELF("production")]).to.deep.equal({});
        expect(offlineCaveats("production", root).join("\n")).to.match(/outputs\.json does not exist: organization\/smartem\/production is rendered as a first deploy/);
      } finally {
        fs.rmSync(root, { recursive: true, force: true });
      }
    });

    it("a broken recorded render is named, with how to recover", () => {
      const root = fs.mkdtempSync(path.join(os.tmpdir(), "offline-answers-"));
      try {
        for (const stack of listStacks()) fs.copyFileSync(stackFilePath(stack), stackFilePath(stack, root));
        fs.mkdirSync(goldenDir("production", root), { recursive: true });
        fs.writeFileSync(path.join(goldenDir("production", root), "outputs.json"), "[]");
        expect(() => offlineStackReferences("production", root)).to.throw(
          "test/golden/production/outputs.json: not a JSON object of stack outputs; restore it (git checkout -- test/golden/production/outputs.json), or delete it",
        );
      } finally {
        fs.rmSync(root, { recursive: true, force: true });
      }
    });

    it("the render says plainly what it assumes", () => {
      const caveats = offlineCaveats("production").join("\n");
      expect(caveats).to.contain(
        `organization/smartem/production is taken to run ${pinOf("production")} now (test/golden/production/outputs.json, its last reviewed render), which it pins: a re-apply`,
      );
      expect(caveats).to.contain(`organization/smartem/staging is assumed to run ${pinOf("staging")} (its stack file)`);
    });
  });
});
