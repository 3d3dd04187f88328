/**
 * The upgrade guards wired into the program: facts come from stack references (the
 * stack's own backendVersion output, the promotion source's), checked before any
 * other resource is registered.
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import { offlineCaveats, offlineStackReferences } from "../../tools/engine/offline";
import { CheckpointEntry, checkpointInvokes, migrationJobState } from "../support/checkpoint";
import { goldenDir, readStackFile } from "../../tools/engine/stack-file";
import { evaluateStack, resource } from "../support/evaluate";
import { OBJECT_NAMES } from "../../components/backend/names";
import { KEY } from "../../components/program-config";
import { TYPES } from "../../components/shared/project";
import { rejection } from "../support/refusals";
import { projectCopy } from "../support/project-copy";

const SELF = (stack: string): string => `organization/smartem/${stack}`;
const STAGING = "organization/smartem/staging";
const JOB = TYPES.job;
const DEPLOYMENT = TYPES.deployment;

/**
 * A stack as the engine leaves it: the outputs of its last successful update and the
 * resources of its last checkpoint (by default, the completed migration Job of the
 * deployed version). Other stacks' outputs may be added.
 */
function live(
  stack: string,
  outputs: Record<string, string>,
  checkpoint: readonly CheckpointEntry[] = outputs.backendVersion ? [migrationJobState(outputs.backendVersion, "complete")] : [],
  others: Record<string, Record<string, unknown>> = {},
) {
  return { stackReferences: { [SELF(stack)]: outputs, ...others }, invokes: checkpointInvokes(stack, checkpoint) };
}

const images = (e: { resources: readonly { type: string; name: string; inputs: Record<string, unknown> }[] }): string[] =>
  e.resources
    .filter((r) => r.type === DEPLOYMENT && /http-api|worker/.test(r.name))
    .map((r) => JSON.stringify(r.inputs).match(/"image":"([^"]+)"/)![1]!);
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
    const rollback = await evaluateStack(
      "dev",
      { backendVersion: "0.1.0", allowDowngrade: "true" },
      live("dev", { backendVersion: "0.1.1" }),
    );
    expect(rollback.resources.filter((r) => r.type === JOB)).to.deep.equal([]);
    expect(rollback.outputs.migratedVersion, "the schema stays at the newer version").to.equal("0.1.1");
    const upgrade = await evaluateStack("dev", { backendVersion: "0.1.2" }, live("dev", { backendVersion: "0.1.1" }));
    expect(upgrade.outputs.migratedVersion).to.equal("0.1.2");
    const [job] = upgrade.resources.filter((r) => r.type === JOB);
    expect(job, "the upgrade's migration Job").to.not.equal(undefined);
    for (const name of [OBJECT_NAMES.api, OBJECT_NAMES.worker]) {
      expect(resource(upgrade, DEPLOYMENT, name).dependsOn, name).to.include(job!.urn);
    }
  });

  it("refuses a downgrade below the stack's own backendVersion output", async () => {
    const message = await refusal(evaluateStack("dev", { backendVersion: "0.1.0" }, live("dev", { backendVersion: "0.1.1" })));
    expect(message).to.match(
      /smartem:backendVersion = 0\.1\.0: 0\.1\.0 is lower than 0\.1\.1, which stack dev runs now.*smartem:allowDowngrade: true/,
    );
  });

  it("takes the rollback with smartem:allowDowngrade", async () => {
    const e = await evaluateStack(
      "dev",
      { backendVersion: "0.1.0", allowDowngrade: "true" },
      live("dev", { backendVersion: "0.1.1" }),
    );
    expect(e.outputs.backendVersion).to.equal("0.1.0");
  });

  it("going back to the serving version after a newer one migrated and failed to roll out runs no migration", async () => {
    // 0.2.0's Job completed, then its pods never became ready: `pulumi up` failed. The engine
    // kept 0.1.0's outputs (none is registered when one rejects) and checkpointed the Job the
    // moment it completed, and the Deployments with the provider's partial (0.2.0) state.
    const afterFailedRollout = live("dev", { backendVersion: "0.1.0", migratedVersion: "0.1.0" }, [
      migrationJobState("0.2.0", "complete"),
    ]);
    for (const overrides of [{ backendVersion: "0.1.0" }, { backendVersion: "0.1.0", allowDowngrade: "true" }]) {
      const back = await evaluateStack("dev", overrides, afterFailedRollout);
      expect(
        back.resources.filter((r) => r.type === JOB),
        "no migration Job",
      ).to.deep.equal([]);
      expect(
        images(back).every((image) => image.endsWith(":0.1.0")),
        images(back).join(),
      ).to.equal(true);
      expect(back.outputs.migratedVersion, "the schema is 0.2.0's").to.equal("0.2.0");
      expect(back.outputs.backendVersion).to.equal("0.1.0");
    }
  });

  it("once back, the schema's version stays in the outputs: the next update runs no migration either", async () => {
    // The rollback's update succeeded (its Job was deleted), so the outputs carry the schema.
    const back = await evaluateStack(
      "dev",
      { backendVersion: "0.1.0" },
      live("dev", { backendVersion: "0.1.0", migratedVersion: "0.2.0" }, []),
    );
    expect(back.resources.filter((r) => r.type === JOB)).to.deep.equal([]);
    expect(back.outputs.migratedVersion).to.equal("0.2.0");
  });

  it("a migration that failed migrated nothing: returning to the serving version re-runs its (idempotent) migration", async () => {
    const afterFailedMigration = live("dev", { backendVersion: "0.1.0", migratedVersion: "0.1.0" }, [
      migrationJobState("0.2.0", "failed"),
    ]);
    const back = await evaluateStack("dev", { backendVersion: "0.1.0" }, afterFailedMigration);
    expect(back.resources.filter((r) => r.type === JOB)).to.have.length(1);
    expect(back.outputs.migratedVersion).to.equal("0.1.0");
  });

  it("an upgrade past a migration that completed without a rollout migrates again", async () => {
    const e = await evaluateStack(
      "dev",
      { backendVersion: "0.3.0" },
      live("dev", { backendVersion: "0.1.0" }, [migrationJobState("0.2.0", "complete")]),
    );
    expect(e.resources.filter((r) => r.type === JOB)).to.have.length(1);
    expect(e.outputs.migratedVersion).to.equal("0.3.0");
  });

  it("a first deploy: the engine answers no resources for a stack never deployed, and the migration runs", async () => {
    const first = await evaluateStack("dev", { backendVersion: "0.1.0" }, live("dev", {}, []));
    expect(first.resources.filter((r) => r.type === JOB)).to.have.length(1);
    expect(first.outputs.migratedVersion).to.equal("0.1.0");
  });

  it("a first deploy that migrated and then failed to roll out has no outputs, but its checkpoint has the Job", async () => {
    const back = await evaluateStack(
      "dev",
      { backendVersion: "0.1.0" },
      live("dev", {}, [migrationJobState("0.2.0", "complete")]),
    );
    expect(back.resources.filter((r) => r.type === JOB)).to.deep.equal([]);
    expect(back.outputs.migratedVersion).to.equal("0.2.0");
  });

  it("refuses on production a version staging does not run, naming the override", async () => {
    const message = await refusal(
      evaluateStack(
        "production",
        { backendVersion: "0.1.1" },
        live("production", { backendVersion: "0.1.0" }, undefined, { [STAGING]: { backendVersion: "0.1.0" } }),
      ),
    );
    expect(message).to.match(
      /smartem:backendVersion = 0\.1\.1: .*organization\/smartem\/staging runs, which is 0\.1\.0.*smartem:skipPromotionCheck: true/,
    );
  });

  it("takes on production the version staging runs, or any with smartem:skipPromotionCheck", async () => {
    const promoted = await evaluateStack(
      "production",
      { backendVersion: "0.1.1" },
      live("production", { backendVersion: "0.1.0" }, undefined, { [STAGING]: { backendVersion: "0.1.1" } }),
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
    const message = await refusal(
      evaluateStack(
        "production",
        { backendVersion: "0.1.1rc52" },
        { stackReferences: { [STAGING]: { backendVersion: "0.1.1rc52" } } },
      ),
    );
    expect(message).to.match(/0\.1\.1rc52 is a pre-release and stack production takes only final releases/);
  });

  it("refuses when the promotion source reports no version (production's first deploy)", async () => {
    const message = await refusal(
      evaluateStack("production", {}, { stackReferences: { [STAGING]: {}, [SELF("production")]: {} } }),
    );
    expect(message).to.match(/smartem:promoteFrom = organization\/smartem\/staging: .*reports no backendVersion/);
  });

  describe("as under the real engine: each StackReference answers that stack's last outputs", () => {
    it("production pinned to the version it runs is never blocked by staging moving ahead, or reporting nothing", async () => {
      for (const stagingOutputs of [{ backendVersion: "0.1.1" }, { backendVersion: "0.2.0rc3" }, {}]) {
        const e = await evaluateStack(
          "production",
          { backendVersion: "0.1.0" },
          {
            stackReferences: {
              [STAGING]: stagingOutputs,
              [SELF("production")]: { backendVersion: "0.1.0", migratedVersion: "0.1.0" },
            },
          },
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
      const golden = JSON.parse(fs.readFileSync(path.join(goldenDir("production"), "outputs.json"), "utf8")) as Record<
        string,
        unknown
      >;
      expect(references[SELF("production")]).to.deep.equal(golden).and.to.have.property("backendVersion", pinOf("production"));
      expect(references[STAGING]).to.deep.equal({ backendVersion: pinOf("staging") });
    });

    it("a stack with no golden render is a first deploy", () => {
      const root = projectCopy("offline-answers-");
      try {
        expect(offlineStackReferences("production", root)[SELF("production")]).to.deep.equal({});
        expect(offlineCaveats("production", root).join("\n")).to.match(
          /outputs\.json does not exist: organization\/smartem\/production is rendered as a first deploy/,
        );
      } finally {
        fs.rmSync(root, { recursive: true, force: true });
      }
    });

    it("a broken recorded render is named, with how to recover", () => {
      const root = projectCopy("offline-answers-");
      try {
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
