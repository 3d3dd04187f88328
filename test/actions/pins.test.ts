import { expect } from "chai";
import * as YAML from "yaml";
import { pythonPackage, SMARTEM_DECISIONS } from "../../components/release/package";
import { workflowContent } from "../../components/release/python-package-release";
import { deliveryWorkflowFiles } from "../../tools/delivery/delivery-workflows";
import { RUNNERS, action, allPins, usesText } from "../../components/actions/pins";
import { releasePlan } from "../../components/release/release-workflow";

describe("action pins", () => {
  it("every pin is a 40-hex commit with its vX.Y.Z release tag", () => {
    for (const pin of allPins()) {
      expect(pin.sha, pin.action).to.match(/^[0-9a-f]{40}$/);
      expect(pin.tag, pin.action).to.match(/^v\d+\.\d+\.\d+$/);
      expect(pin.action, pin.action).to.match(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/);
    }
  });

  it("each action is pinned once", () => {
    const names = allPins().map((p) => p.action);
    expect(new Set(names).size).to.equal(names.length);
  });

  it("setup-uv v7 is pinned to the commit, not the annotated tag object", () => {
    expect(usesText(action("setupUv"))).to.equal("astral-sh/setup-uv@37802adc94f370d6bfd71619e3f0bf239e1f3b78");
  });

  it("every job runs on a versioned runner image from the one table, never -latest", () => {
    const workflows = [workflowContent(releasePlan(pythonPackage(SMARTEM_DECISIONS))), ...deliveryWorkflowFiles().values()];
    const allowed: string[] = Object.values(RUNNERS);
    for (const text of workflows) {
      const doc = YAML.parse(text) as { jobs: Record<string, { "runs-on": string; strategy?: { matrix?: { os?: string[] } } }> };
      for (const [id, job] of Object.entries(doc.jobs)) {
        const labels = job["runs-on"] === "${{ matrix.os }}" ? job.strategy?.matrix?.os ?? [] : [job["runs-on"]];
        expect(labels.length, id).to.be.greaterThan(0);
        for (const label of labels) expect(allowed, `${id} runs on ${label}`).to.include(label);
      }
    }
  });
});
