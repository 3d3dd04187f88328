import { expect } from "chai";
import { action, allPins, usesText } from "../../components/workflows/pins";

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
});
