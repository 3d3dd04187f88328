import { expect } from "chai";
import { OFFLINE_SECRET_PLACEHOLDER, listStacks, parseStackFile, readStackFile } from "../../../tools/engine/stack-file";

describe("stack files", () => {
  it("passes values as text, structured values as JSON, like the Pulumi CLI", () => {
    const file = parseStackFile("x", "config:\n  smartem:apiReplicas: 3\n  smartem:flag: true\n  smartem:list:\n    - a\n  smartem:name: n\n");
    expect(file.config).to.deep.equal({
      "smartem:apiReplicas": "3",
      "smartem:flag": "true",
      "smartem:list": '["a"]',
      "smartem:name": "n",
    });
  });

  it("turns encrypted values into a secret placeholder that cannot be read offline", () => {
    const file = parseStackFile("x", "config:\n  smartem:databasePassword:\n    secure: v1:AAAABBBB\n");
    expect(file.config["smartem:databasePassword"]).to.equal(OFFLINE_SECRET_PLACEHOLDER);
    expect(file.secretKeys).to.deep.equal(["smartem:databasePassword"]);
  });

  it("lists the checked-in stacks", () => {
    expect(listStacks()).to.include.members(["dev", "staging", "production"]);
  });

  it("names the stacks that exist when asked for one that does not", () => {
    expect(() => readStackFile("nope")).to.throw(/--stack nope: no Pulumi\.nope\.yaml; the stacks here are: .*dev/);
    expect(() => readStackFile("../etc")).to.throw(/a stack name has only/);
  });
});
