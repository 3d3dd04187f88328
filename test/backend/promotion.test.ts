/**
 * Promotion by evidence and soak time, through the program as the real engine runs it:
 * staging's `pulumi up` records promotionEvidence from what the Kubernetes provider read back
 * after both rollouts; a failed up records nothing (the engine keeps the last checkpoint);
 * production's `pulumi up` reads staging's last checkpoint through its StackReference and
 * refuses the version until the record matches and the soak time has passed.
 */
import { expect } from "chai";
import * as fs from "node:fs";
import { offlineCaveats } from "../../tools/engine/offline";
import { stackFilePath } from "../../tools/engine/stack-file";
import { evaluateStack } from "../support/evaluate";
import { KUBECONFIG_PATH } from "../support/live-run";
import { firstRollout, kubeconfigFor, kubernetesReadBack, pulumiUp, rolledOut } from "../support/promotion";
import { projectCopy } from "../support/project-copy";

const DIGEST_A = `sha256:${"a".repeat(64)}`;
const DIGEST_B = `sha256:${"b".repeat(64)}`;
const pinned = (digests: Record<string, string>): string => JSON.stringify(digests);
const at = (iso: string): Date => new Date(iso);

/** Both checked-in stacks run 0.1.0, deployed before promotion evidence existed. */
const BEFORE = {
  staging: { backendVersion: "0.1.0", migratedVersion: "0.1.0" },
  production: { backendVersion: "0.1.0", migratedVersion: "0.1.0" },
} as const;

/** Staging's rollout of 0.2.0 (pinned by digest A) completed: api at 10:00, worker at 10:03 (cluster time). */
async function stagingRollsOut020(): Promise<Record<string, unknown>> {
  const up = await pulumiUp("staging", {
    overrides: { backendVersion: "0.2.0", backendImageDigests: pinned({ "0.2.0": DIGEST_A }) },
    checkpoints: BEFORE,
    providerState: kubernetesReadBack({
      api: rolledOut(2, "2026-12-02T10:00:00Z"),
      worker: rolledOut(2, "2026-12-02T10:03:00Z"),
    }),
  });
  expect(up.ok, !up.ok ? up.error : "").to.equal(true);
  return { ...up.outputs };
}

function productionTakes020(staging: Record<string, unknown>, now: Date, overrides: Record<string, string | undefined> = {}) {
  return pulumiUp("production", {
    overrides: { backendVersion: "0.2.0", backendImageDigests: pinned({ "0.2.0": DIGEST_A }), ...overrides },
    checkpoints: { ...BEFORE, staging },
    providerState: kubernetesReadBack({
      api: rolledOut(5, "2026-12-04T09:00:00Z"),
      worker: rolledOut(5, "2026-12-04T09:01:00Z"),
    }),
    now,
  });
}

describe("promotion by evidence and soak time (as the real engine runs it)", () => {
  describe("staging records what its rollout proved", () => {
    it("the version, the digest it ran, the migration, and the later rollout time the cluster stamped", async () => {
      const staging = await stagingRollsOut020();
      expect(staging.promotionEvidence).to.deep.equal({
        version: "0.2.0",
        digest: DIGEST_A,
        rolledOutAt: "2026-12-02T10:03:00Z",
        migration: "completed",
        rollout: "available",
      });
    });

    it("a first deploy takes the time both became Available", async () => {
      const up = await pulumiUp("staging", {
        checkpoints: {},
        providerState: kubernetesReadBack({
          api: firstRollout("2026-11-20T08:00:00Z"),
          worker: firstRollout("2026-11-20T08:00:20Z"),
        }),
      });
      expect(up.ok && up.outputs.promotionEvidence).to.deep.include({
        version: "0.1.0",
        rolledOutAt: "2026-11-20T08:00:20Z",
        migration: "completed",
      });
      expect(up.ok && up.outputs.promotionEvidence).not.to.have.property("digest");
    });

    it("a rollback runs no migration and says so", async () => {
      const up = await pulumiUp("staging", {
        overrides: { backendVersion: "0.1.0", allowDowngrade: "true" },
        checkpoints: { staging: { backendVersion: "0.2.0", migratedVersion: "0.2.0" } },
        providerState: kubernetesReadBack({
          api: rolledOut(3, "2026-12-02T11:00:00Z"),
          worker: rolledOut(3, "2026-12-02T11:00:00Z"),
        }),
      });
      expect(up.ok && up.outputs.promotionEvidence).to.deep.include({ version: "0.1.0", migration: "none" });
    });

    it("a return to the version that served before a failed one keeps its proved migration; a rollback to one never recorded does not", async () => {
      const staging = await stagingRollsOut020();
      // 0.3.0 migrated, then its rollout failed: the checkpoint is still 0.2.0's, schema at 0.3.0.
      const checkpoint = { ...staging, migratedVersion: "0.3.0" };
      const readBack = kubernetesReadBack({
        api: rolledOut(4, "2026-12-03T09:00:00Z"),
        worker: rolledOut(4, "2026-12-03T09:00:00Z"),
      });
      const back = await pulumiUp("staging", {
        overrides: { backendVersion: "0.2.0", backendImageDigests: pinned({ "0.2.0": DIGEST_A }) },
        checkpoints: { ...BEFORE, staging: checkpoint },
        providerState: readBack,
      });
      expect(back.ok && back.outputs.promotionEvidence).to.deep.equal({
        version: "0.2.0",
        digest: DIGEST_A,
        rolledOutAt: "2026-12-03T09:00:00Z",
        migration: "completed",
        rollout: "available",
      });
      const production = await productionTakes020({ ...back.outputs }, at("2026-12-04T09:00:00Z"));
      expect(production.ok, !production.ok ? production.error : "").to.equal(true);

      const down = await pulumiUp("staging", {
        overrides: { backendVersion: "0.1.5", allowDowngrade: "true" },
        checkpoints: { ...BEFORE, staging: checkpoint },
        providerState: readBack,
      });
      expect(down.ok && down.outputs.promotionEvidence).to.deep.include({ version: "0.1.5", migration: "none" });
    });

    it("a failed rollout records nothing: staging's checkpoint keeps the previous record, and production still refuses the new version", async () => {
      const staging = await stagingRollsOut020();
      const failed = await pulumiUp("staging", {
        overrides: { backendVersion: "0.2.1", backendImageDigests: pinned({ "0.2.1": DIGEST_B }) },
        checkpoints: { ...BEFORE, staging },
        providerState: kubernetesReadBack({
          api: rolledOut(3, "2026-12-03T10:00:00Z"),
          worker: new Error("the rollout of smartem-worker timed out after 600s"),
        }),
      });
      expect(failed.ok).to.equal(false);
      expect(failed.outputs).to.deep.equal(staging);
      const production = await pulumiUp("production", {
        overrides: { backendVersion: "0.2.1", backendImageDigests: pinned({ "0.2.1": DIGEST_B }) },
        checkpoints: { ...BEFORE, staging: { ...failed.outputs } },
        now: at("2026-12-09T00:00:00Z"),
      });
      expect(!production.ok && production.error).to.contain(
        "takes only the version organization/smartem/staging runs, which is 0.2.0",
      );
    });
  });

  describe("production's promotion guard reads staging's last checkpoint", () => {
    it("refuses 0.2.0 before the soak time, saying how long is left; takes it after", async () => {
      const staging = await stagingRollsOut020();
      const early = await productionTakes020(staging, at("2026-12-03T04:51:00Z"));
      expect(!early.ok && early.error).to.contain(
        "smartem:promotionSoakHours = 24: organization/smartem/staging rolled out 0.2.0 at 2026-12-02T10:03:00Z; 5h 12m of the 24 h soak left (until 2026-12-03T10:03:00.000Z)",
      );
      expect(early.outputs, "production's checkpoint is untouched").to.deep.equal(BEFORE.production);

      const later = await productionTakes020(staging, at("2026-12-03T10:03:00Z"));
      expect(later.ok, !later.ok ? later.error : "").to.equal(true);
      expect(later.outputs?.backendVersion).to.equal("0.2.0");
      expect(later.outputs?.promotionEvidence).to.deep.include({
        version: "0.2.0",
        digest: DIGEST_A,
        rolledOutAt: "2026-12-04T09:01:00Z",
      });
    });

    it("honours smartem:promotionSoakHours (0: at once; 48: longer)", async () => {
      const staging = await stagingRollsOut020();
      expect((await productionTakes020(staging, at("2026-12-02T10:04:00Z"), { promotionSoakHours: "0" })).ok).to.equal(true);
      const longer = await productionTakes020(staging, at("2026-12-03T10:03:00Z"), { promotionSoakHours: "48" });
      expect(!longer.ok && longer.error).to.contain("24h 0m of the 48 h soak left");
    });

    it("refuses other bytes, or a digest on one side only, with why", async () => {
      const staging = await stagingRollsOut020();
      const after = at("2026-12-05T00:00:00Z");
      const other = await productionTakes020(staging, after, { backendImageDigests: pinned({ "0.2.0": DIGEST_B }) });
      expect(!other.ok && other.error).to.contain(
        `smartem:backendImageDigests = ${DIGEST_B}: organization/smartem/staging ran 0.2.0 as ${DIGEST_A}, other bytes`,
      );
      const tagOnly = await productionTakes020(staging, after, { backendImageDigests: undefined });
      expect(!tagOnly.ok && tagOnly.error).to.contain(
        "smartem:backendImageDigests = (none for 0.2.0): organization/smartem/staging ran 0.2.0 as",
      );
    });

    it("refuses when staging has no record (its last up predates it), naming what to do", async () => {
      const message = await productionTakes020({ backendVersion: "0.2.0", migratedVersion: "0.2.0" }, at("2026-12-09T00:00:00Z"));
      expect(!message.ok && message.error).to.match(
        /smartem:promoteFrom = organization\/smartem\/staging: .*records no promotionEvidence output .*run `pulumi up` on organization\/smartem\/staging to record it for 0\.2\.0, or keep 0\.1\.0/,
      );
    });

    it("smartem:skipPromotionCheck takes it at once, and says loudly what it skipped", async () => {
      const staging = await stagingRollsOut020();
      const forced = await productionTakes020(staging, at("2026-12-02T11:00:00Z"), { skipPromotionCheck: "true" });
      expect(forced.ok).to.equal(true);
      expect(forced.ok && forced.warnings.join("\n"))
        .to.contain("smartem:skipPromotionCheck is true: stack production takes 0.2.0 without the promotion check")
        .and.contain("23h 3m of the 24 h soak left");
    });

    it("re-applying what production runs needs no record and no soak", async () => {
      const up = await pulumiUp("production", { checkpoints: { ...BEFORE, staging: {} }, now: at("2026-12-02T00:00:00Z") });
      expect(up.ok, !up.ok ? up.error : "").to.equal(true);
    });
  });

  describe("the clock: the machine's, or SMARTEM_TEST_NOW against a loopback cluster only", () => {
    const loopback = { files: { [KUBECONFIG_PATH]: kubeconfigFor("https://127.0.0.1:39443") } };

    it("a test moves the clock past the soak on a loopback cluster, and the run says so", async () => {
      const staging = await stagingRollsOut020();
      const base = {
        overrides: { backendVersion: "0.2.0", backendImageDigests: pinned({ "0.2.0": DIGEST_A }) },
        checkpoints: { ...BEFORE, staging },
        ...loopback,
      };
      const before = await pulumiUp("production", { ...base, now: at("2026-12-02T12:00:00Z") });
      expect(!before.ok && before.error).to.contain("of the 24 h soak left");
      const env = { KUBECONFIG: KUBECONFIG_PATH, GITHUB_TOKEN: "t", SMARTEM_TEST_NOW: "2026-12-03T10:03:00Z" };
      const after = await pulumiUp("production", { ...base, now: at("2026-12-02T12:00:00Z"), env });
      expect(after.ok, !after.ok ? after.error : "").to.equal(true);
      expect(after.ok && after.warnings).to.deep.include(
        "SMARTEM_TEST_NOW sets this run's clock to 2026-12-03T10:03:00.000Z (tests only; the cluster is on the loopback interface)",
      );
    });

    it("any other cluster refuses the run that sets it, before anything is registered", async () => {
      const env = { KUBECONFIG: KUBECONFIG_PATH, GITHUB_TOKEN: "t", SMARTEM_TEST_NOW: "2026-12-03T10:03:00Z" };
      for (const stack of ["staging", "production"]) {
        const up = await pulumiUp(stack, { checkpoints: BEFORE, env });
        expect(!up.ok && up.error, stack)
          .to.contain(`Stack ${stack} refuses the test clock SMARTEM_TEST_NOW`)
          .and.contain("this run deploys to https://k8s.example:6443");
      }
    });
  });

  describe("offline (render, golden, bump): staging's record is not known", () => {
    it("the version alone is compared, and the render says the soak is checked by pulumi preview", async () => {
      const e = await evaluateStack(
        "production",
        { backendVersion: "0.2.0" },
        { stackReferences: { "organization/smartem/staging": { backendVersion: "0.2.0" } } },
      );
      expect(e.outputs.backendVersion).to.equal("0.2.0");
      expect(e.outputs.promotionEvidence, "no rollout time invented").to.deep.equal({
        version: "0.2.0",
        migration: "completed",
        rollout: "available",
      });
      expect(offlineCaveats("production").join("\n")).to.contain(
        "organization/smartem/staging's promotionEvidence (migration, rollout, image digest) and the 24 h soak since its rollout are not known offline: soak time checked by `pulumi preview`",
      );
    });

    it("the render says loudly that smartem:skipPromotionCheck skips the check", () => {
      const root = projectCopy("promotion-caveats-");
      try {
        const file = stackFilePath("production", root);
        fs.writeFileSync(
          file,
          fs.readFileSync(file, "utf8").replace("config:\n", "config:\n  smartem:skipPromotionCheck: true\n"),
        );
        const caveats = offlineCaveats("production", root).join("\n");
        expect(caveats).to.contain(
          "smartem:skipPromotionCheck is true: the promotion check from organization/smartem/staging (version, evidence, soak time) is SKIPPED",
        );
        expect(caveats).not.to.contain("soak time checked by");
      } finally {
        fs.rmSync(root, { recursive: true, force: true });
      }
    });

    it("smartem:promotionSoakHours is refused on a stack without smartem:promoteFrom", async () => {
      let message = "";
      await evaluateStack("staging", { promotionSoakHours: "12" }).catch((error: Error) => (message = error.message));
      expect(message).to.contain("smartem:promotionSoakHours = 12: only used with smartem:promoteFrom");
    });
  });
});
