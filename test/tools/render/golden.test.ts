import { expect } from "chai";
import * as YAML from "yaml";
import { evaluateOffline } from "../../../tools/engine/offline";
import { TYPES } from "../../../components/shared/project";
import { goldenDir, listStacks } from "../../../tools/engine/stack-file";
import { goldenFiles, readTree } from "../../../tools/render/golden";
import { PLAN_FILE, filesHoldingInputs, renderFiles } from "../../../tools/render/render";

describe("golden renders (run `npm run golden` after an intended change)", () => {
  for (const stack of listStacks()) {
    it(`${stack}: the render matches test/golden/${stack}`, async () => {
      const rendered = goldenFiles(await evaluateOffline(stack));
      const golden = readTree(goldenDir(stack));
      expect([...rendered.keys()].sort(), "the set of rendered files").to.deep.equal([...golden.keys()].sort());
      for (const [file, content] of rendered) {
        expect(content, `${stack}/${file} drifted from its golden copy`).to.equal(golden.get(file));
      }
    });

    it(`${stack}: the golden plan.json leaves out only what another golden file holds`, async () => {
      const evaluation = await evaluateOffline(stack);
      const files = renderFiles(evaluation);
      const slim = JSON.parse(goldenFiles(evaluation).get(PLAN_FILE)!) as Array<Record<string, unknown>>;
      expect(slim.map((e) => `${String(e.type)}::${String(e.name)}`)).to.deep.equal(
        evaluation.resources.map((r) => `${r.type}::${r.name}`),
      );
      let left = 0;
      evaluation.resources.forEach((r, i): void => {
        const entry = slim[i]!;
        const held = filesHoldingInputs(r);
        if (held === undefined) {
          expect(entry.inputs, r.name).to.deep.equal(r.inputs);
          return;
        }
        left++;
        if ("content" in held) {
          expect(files.get(held.content), `${r.name}: ${held.content}`).to.equal(r.inputs.content);
          const { content: _content, ...rest } = r.inputs;
          expect(entry).to.deep.equal({ type: r.type, name: r.name, inputs: rest, contentIn: held.content });
          return;
        }
        expect(entry).to.deep.equal({ type: r.type, name: r.name, inputsIn: held.whole });
        const text = files.get(held.whole);
        expect(text, `${r.name}: no ${held.whole} in the render`).to.be.a("string");
        const file = (held.whole.endsWith(".yaml") ? YAML.parse(text!) : JSON.parse(text!)) as Record<string, unknown>;
        // A deployment policy is one of its environment's file's deploymentPolicies; the file
        // adds those to the environment, and the offline name to an autonamed Kubernetes object.
        if (r.type === TYPES.deploymentPolicy) {
          expect(file.deploymentPolicies, r.name).to.deep.include(r.inputs);
          return;
        }
        const { deploymentPolicies: _policies, ...own } = file;
        const metadata = r.inputs.metadata as { name?: string } | undefined;
        if (metadata && metadata.name === undefined) delete (own.metadata as { name?: string }).name;
        expect(own, `${r.name} in ${held.whole}`).to.deep.equal(r.inputs);
      });
      expect(left, "resources whose inputs live in their own file").to.be.greaterThan(0);
    });
  }
});
