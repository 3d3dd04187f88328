import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../tools/engine/stack-file";
import { SMARTEM_DECISIONS, pythonPackage } from "../../components/release/package";
import { pipelineDiagram } from "../../components/release/pipeline-diagram";
import { releasePlan } from "../../components/release/release-workflow";
import { EPUPLAYER } from "../support/packages";

describe("release pipeline diagram", () => {
  for (const input of [SMARTEM_DECISIONS, EPUPLAYER]) {
    const plan = releasePlan(pythonPackage(input));
    const diagram = pipelineDiagram(plan);

    it(`${input.name}: draws every job and every needs edge of the workflow, and nothing else`, () => {
      const node = (id: string): string => `job_${id.replace(/-/g, "_")}`;
      const edges = diagram
        .split("\n")
        .filter((l) => /^\s+job_\w+ --> job_\w+$/.test(l))
        .map((l) => l.trim());
      const expected = Object.entries(plan.workflow.jobs).flatMap(([id, job]) =>
        (job.needs ?? []).map((n) => `${node(n)} --> ${node(id)}`),
      );
      expect(edges).to.deep.equal(expected);
      for (const id of Object.keys(plan.workflow.jobs)) expect(diagram).to.include(`${node(id)}["${id}<br/>`);
    });

    it(`${input.name}: shows which trigger leads to which release kind`, () => {
      expect(diagram).to.include(`trigger_tag(["push tag ${input.tagPrefix}*"])`);
      expect(diagram).to.match(/trigger_branch -->\|"rc"\| job_version/);
      expect(diagram).to.match(/trigger_pr -->\|"check"\| job_version/);
    });
  }

  it("docs/release-workflow.md shows the current diagram of smartem-decisions", () => {
    const readme = fs.readFileSync(path.join(PROJECT_ROOT, "docs", "release-workflow.md"), "utf8");
    expect(readme).to.include("```mermaid\n" + pipelineDiagram(releasePlan(pythonPackage(SMARTEM_DECISIONS))) + "```");
  });
});
