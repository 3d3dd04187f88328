import { expect } from "chai";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { evaluateOffline } from "../../../tools/engine/offline";
import { PolicyViolationError, assertPolicies, checkPolicies, formatViolation } from "../../../tools/engine/policy-check";
import { listStacks } from "../../../tools/engine/stack-file";
import { TYPES } from "../../../components/shared/project";
import { OBJECT_NAMES } from "../../../components/backend/names";
import { evaluationOf, workerDeployment } from "../../support/kubernetes";

const DEPLOYMENT = TYPES.deployment;

describe("offline policy check", () => {
  it("passes an evaluation whose resources meet every policy", async () => {
    const ok = evaluationOf(workerDeployment(OBJECT_NAMES.worker, "ghcr.io/diamondlightsource/smartem-decisions:0.1.0"));
    expect(await checkPolicies(ok)).to.deep.equal([]);
    expect(await assertPolicies(ok)).to.deep.equal([]);
  });

  it("rejects a violating evaluation, naming policy, resource type, resource name and the problem", async () => {
    const bad = evaluationOf(
      workerDeployment(OBJECT_NAMES.worker, "ghcr.io/diamondlightsource/smartem-decisions:latest"),
      workerDeployment("smartem-worker-2", "ghcr.io/diamondlightsource/smartem-decisions:0.1.0"),
    );
    const found = await checkPolicies(bad);
    expect(found.map(formatViolation)).to.deep.equal([
      `policy pinned-images violated by ${DEPLOYMENT} smartem-worker: containers[0] (worker): image ghcr.io/diamondlightsource/smartem-decisions:latest: tag "latest" is not a released version ("latest" is not a PEP 440 version; expected e.g. 0.1.1, 0.1.1rc52 or 1.0.0.dev3)`,
    ]);
    const error = await assertPolicies(bad).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(PolicyViolationError);
    expect((error as Error).message).to.contain(`policy pinned-images violated by ${DEPLOYMENT} smartem-worker:`);
  });

  it("skips component resources (policies judge what a provider would create)", async () => {
    expect(await checkPolicies(evaluationOf(workerDeployment("wrapper", "postgres", false)))).to.deep.equal([]);
  });

  it("blocks only on mandatory policies; advisory violations are returned as warnings", async () => {
    const everything: ResourceValidationPolicy = {
      name: "advice",
      description: "reports everything",
      validateResource: (args, report) => report(`saw ${args.name}`),
    };
    const found = await checkPolicies(evaluationOf(workerDeployment("w", "x:1.0")), [everything]);
    expect(found).to.have.length(1);
    expect(found[0]?.enforcementLevel).to.equal("advisory");
  });

  it("honours notApplicable and runs every validation of a policy", async () => {
    const policy: ResourceValidationPolicy = {
      name: "two-checks",
      description: "first reports, second says not applicable",
      enforcementLevel: "mandatory",
      validateResource: [
        (_args, report) => report("first"),
        (args) => args.notApplicable("no reason"),
        (_args, report) => report("never"),
      ],
    };
    expect((await checkPolicies(evaluationOf(workerDeployment("w", "x:1.0")), [policy])).map((v) => v.message)).to.deep.equal([
      "first",
    ]);
  });

  for (const stack of listStacks()) {
    it(`the checked-in stack ${stack} meets every policy`, async () => {
      expect((await checkPolicies(await evaluateOffline(stack))).map(formatViolation)).to.deep.equal([]);
    });
  }
});
