import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as k8s from "@pulumi/kubernetes";
import { Evaluation, evaluate } from "../../../tools/engine/evaluate";
import { offlineOptions } from "../../../tools/engine/offline";
import { runRender } from "../../../tools/render/render-run";
import { TYPES } from "../../../components/shared/project";
import { OBJECT_NAMES } from "../../../components/backend/names";
import { evaluationOf, workerDeployment } from "../../support/kubernetes";

const DEPLOYMENT = TYPES.deployment;

/** An evaluation of one hardened worker running `image` (the policies judge the image). */
function withImage(image: string): Evaluation {
  return { ...evaluationOf(workerDeployment(OBJECT_NAMES.worker, image)), outputs: { backendVersion: "0.1.0" } };
}

describe("render run (policies before writing)", () => {
  let out: string;
  beforeEach(() => {
    out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "render-run-")), "out");
  });
  afterEach(() => fs.rmSync(path.dirname(out), { recursive: true, force: true }));

  it("writes the render of a compliant evaluation", async () => {
    await runRender(withImage("ghcr.io/diamondlightsource/smartem-decisions:0.1.0"), out);
    expect(fs.readFileSync(path.join(out, "k8s/smartem-decisions/deployment-smartem-worker.yaml"), "utf8")).to.contain(
      "smartem-decisions:0.1.0",
    );
  });

  it("refuses a violating evaluation and leaves the previous render untouched", async () => {
    await runRender(withImage("ghcr.io/diamondlightsource/smartem-decisions:0.1.0"), out);
    const before = fs.readFileSync(path.join(out, "plan.json"), "utf8");
    const error = await runRender(withImage("ghcr.io/diamondlightsource/smartem-decisions:latest"), out).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).to.match(new RegExp(`policy pinned-images violated by ${DEPLOYMENT} smartem-worker: `));
    expect(fs.readFileSync(path.join(out, "plan.json"), "utf8")).to.equal(before);
    expect(fs.readdirSync(path.dirname(out))).to.deep.equal(["out"]);
  });

  it("refuses a program that registers a violating resource, through the same engine", async () => {
    // A code change that pins the backend to `latest` (config validation cannot see code).
    const evaluation = await evaluate({
      ...offlineOptions("dev"),
      program: async () => {
        const provider = new k8s.Provider("test-k8s", {});
        new k8s.apps.v1.Deployment(
          OBJECT_NAMES.worker,
          withImage("ghcr.io/diamondlightsource/smartem-decisions:latest").resources[0]
            .inputs as unknown as k8s.apps.v1.DeploymentArgs,
          { provider },
        );
        return {};
      },
    });
    const error = await runRender(evaluation, out).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).to.match(new RegExp(`policy pinned-images violated by ${DEPLOYMENT} smartem-worker: `));
    expect(fs.existsSync(out)).to.equal(false);
  });
});
