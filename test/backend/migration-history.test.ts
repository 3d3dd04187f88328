/**
 * Reading "which migration completed here" from the engine's answer of
 * `pulumi:pulumi:readStackResourceOutputs` (every live resource of the last checkpoint).
 */
import { expect } from "chai";
import { completedMigration, jobCompleted } from "../../components/backend/migration-history";
import { migrationJobState } from "../support/checkpoint";
import { TYPES } from "../../components/shared/project";

const URN = (name: string, type: string = TYPES.job): string =>
  `urn:pulumi:staging::smartem::smartem:backend:Backend$${type}::${name}`;

describe("the completed migration in the last checkpoint", () => {
  it("is the version label of the program's migration Job when the Job is Complete", () => {
    const job = migrationJobState("0.4.0", "complete");
    expect(completedMigration({ [URN("smartem-migrate")]: job }, "smartem-migrate")).to.equal("0.4.0");
  });

  it("a failed Job migrated nothing", () => {
    const job = migrationJobState("0.3.0", "failed");
    expect(jobCompleted(job.outputs)).to.equal(false);
    expect(completedMigration({ [URN("smartem-migrate")]: job }, "smartem-migrate")).to.equal(undefined);
  });

  it("a Job still running (no condition yet) migrated nothing", () => {
    const running = {
      type: TYPES.job,
      outputs: { metadata: { labels: { "app.kubernetes.io/version": "0.4.0" } }, status: { active: 1 } },
    };
    expect(completedMigration({ [URN("smartem-migrate")]: running }, "smartem-migrate")).to.equal(undefined);
  });

  it("reads only the program's own migration Job: other Jobs, other types and unparsable labels do not count", () => {
    const complete = migrationJobState("0.9.0", "complete");
    const odd = migrationJobState("0.9.0", "complete");
    const badLabel = {
      ...complete,
      outputs: { ...complete.outputs, metadata: { labels: { "app.kubernetes.io/version": "latest" } } },
    };
    expect(
      completedMigration(
        {
          [URN("someone-elses-job")]: complete,
          [URN("smartem-migrate", TYPES.configMap)]: {
            type: TYPES.configMap,
            outputs: odd.outputs,
          },
        },
        "smartem-migrate",
      ),
    ).to.equal(undefined);
    expect(completedMigration({ [URN("smartem-migrate")]: badLabel }, "smartem-migrate")).to.equal(undefined);
  });
});
