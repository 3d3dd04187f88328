import { expect } from "chai";
import { loadStackConfig } from "../../../components/program-config";
import { evaluate } from "../../../tools/engine/evaluate";
import { manyPackagesOptions } from "../../../tools/bench/many-packages";
import { resourcesOfType } from "../../support/evaluate";
import { TYPES } from "../../../components/shared/project";

describe("benchmark config with many packages", () => {
  it("is a valid stack config with n distinct packages", () => {
    const packages = loadStackConfig(manyPackagesOptions(25).config).packages;
    expect(packages).to.have.length(25);
    expect(new Set(packages.map((p) => p.name)).size).to.equal(25);
  });

  for (const stack of ["dev", "staging", "production"]) {
    it(`${stack}: evaluates to one committed workflow per package (what npm run bench renders)`, async () => {
      const evaluation = await evaluate(manyPackagesOptions(12, stack));
      expect(resourcesOfType(evaluation, TYPES.repositoryFile)).to.have.length(12);
    });
  }
});
