/**
 * The promotion record a stack exports: the rollout time as the cluster stamped it, read from
 * Deployments as the Kubernetes provider returns them after its await (the live object, status
 * included), and how a promoting stack reads a record back.
 */
import { expect } from "chai";
import {
  DeploymentReadBack,
  promotionEvidence,
  readEvidence,
  rolloutCompletedAt,
} from "../../components/backend/promotion-evidence";
import { FIRST_AVAILABLE, firstRollout, rolledOut } from "../support/promotion";

describe("promotion evidence", () => {
  describe("when a Deployment's rollout completed, from its read-back status", () => {
    it("a later rollout: Progressing's NewReplicaSetAvailable update, not Available's first transition", () => {
      expect(rolloutCompletedAt(rolledOut(4, "2026-12-02T10:00:00Z"))).to.equal("2026-12-02T10:00:00Z");
    });

    it("the first rollout: when it became Available", () => {
      expect(rolloutCompletedAt(firstRollout("2026-11-20T08:00:00Z"))).to.equal("2026-11-20T08:00:00Z");
    });

    it("a later revision whose rollout the read-back does not show complete: unknown, never Available's old time", () => {
      const midway = firstRollout(FIRST_AVAILABLE);
      const revision3 = { ...midway, metadata: { annotations: { "deployment.kubernetes.io/revision": "3" } } };
      expect(rolloutCompletedAt(revision3)).to.equal(undefined);
    });

    it("no status (offline: no cluster stamped anything): unknown", () => {
      expect(rolloutCompletedAt({ metadata: {} })).to.equal(undefined);
      expect(rolloutCompletedAt(undefined)).to.equal(undefined);
    });

    it("a stalled rollout (Progressing False) is no completion", () => {
      const stalled: DeploymentReadBack = {
        metadata: { annotations: { "deployment.kubernetes.io/revision": "2" } },
        status: {
          conditions: [
            { type: "Progressing", status: "False", reason: "ProgressDeadlineExceeded", lastUpdateTime: "2026-12-02T10:00:00Z" },
          ],
        },
      };
      expect(rolloutCompletedAt(stalled)).to.equal(undefined);
    });
  });

  describe("the record", () => {
    it("takes the later of the two Deployments, the digest and the migration", () => {
      const evidence = promotionEvidence({
        version: "0.2.0",
        digest: `sha256:${"c".repeat(64)}`,
        migrated: true,
        deployments: [rolledOut(3, "2026-12-02T10:00:00Z"), rolledOut(2, "2026-12-02T10:04:30Z")],
      });
      expect(evidence).to.deep.equal({
        version: "0.2.0",
        digest: `sha256:${"c".repeat(64)}`,
        rolledOutAt: "2026-12-02T10:04:30Z",
        migration: "completed",
        rollout: "available",
      });
    });

    it("leaves out what it does not know: no digest pinned, a rollout time missing on one Deployment", () => {
      const evidence = promotionEvidence({
        version: "0.2.0",
        migrated: false,
        deployments: [rolledOut(3, "2026-12-02T10:00:00Z"), { metadata: {} }],
      });
      expect(evidence).to.deep.equal({ version: "0.2.0", migration: "none", rollout: "available" });
    });

    it("what it exports reads back as the same record", () => {
      const evidence = promotionEvidence({
        version: "0.2.0",
        migrated: true,
        deployments: [rolledOut(2, "2026-12-02T10:00:00Z")],
      });
      expect(readEvidence(JSON.parse(JSON.stringify(evidence)))).to.deep.equal({ kind: "recorded", evidence });
    });

    it("reads back none, or says what is wrong with a record", () => {
      expect(readEvidence(undefined)).to.deep.equal({ kind: "none" });
      const bad = readEvidence({
        version: "v0.2.0",
        rolledOutAt: "yesterday",
        migration: "completed",
        rollout: "available",
        extra: 1,
      });
      expect(bad.kind).to.equal("invalid");
      expect(bad.kind === "invalid" && bad.problem)
        .to.match(/version: .*canonical/)
        .and.match(/rolledOutAt: /)
        .and.match(/extra/);
    });
  });
});
