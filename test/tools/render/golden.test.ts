import { expect } from "chai";
import { evaluateOffline } from "../../../tools/engine/offline";
import { renderFiles } from "../../../tools/render/render";
import { goldenDir, listStacks } from "../../../tools/engine/stack-file";
import { readTree } from "../../../tools/render/golden";

describe("golden renders (run `npm run golden` after an intended change)", () => {
  for (const stack of listStacks()) {
    it(`${stack}: the render matches test/golden/${stack}`, async () => {
      const rendered = renderFiles(await evaluateOffline(stack));
      const golden = readTree(goldenDir(stack));
      expect([...rendered.keys()].sort(), "the set of rendered files").to.deep.equal([...golden.keys()].sort());
      for (const [file, content] of rendered) {
        expect(content, `${stack}/${file} drifted from its golden copy`).to.equal(golden.get(file));
      }
    });
  }
});
